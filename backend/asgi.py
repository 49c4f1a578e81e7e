"""ASGI entry point: websockets through channels; plain HTTP through Django's WSGI handler
on a pool of threads (backend/httpserve.py), or through Django's ASGI handler when
HTTP_HANDLER=asgi. docs/scaling.md («The HTTP path») has the measurements."""

import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from backend.httpserve import ThreadedWSGI  # noqa: E402
from backend.routing import websocket_urlpatterns  # noqa: E402
from backend.ws import HandshakeGuard  # noqa: E402

django_wsgi_app = get_wsgi_application() if settings.HTTP_HANDLER == "wsgi" else None
if django_wsgi_app is not None:
    http_app = ThreadedWSGI(django_wsgi_app, threads=settings.HTTP_THREADS)
elif settings.HTTP_HANDLER == "asgi":
    http_app = django_asgi_app
else:
    raise ImproperlyConfigured(f"HTTP_HANDLER is wsgi or asgi, not {settings.HTTP_HANDLER!r}.")

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": HandshakeGuard(URLRouter(websocket_urlpatterns)),
    }
)

import gc  # noqa: E402

# Everything loaded so far (Django, the apps, their modules: ~165k objects) lives as long as
# the worker. Moved out of the collector's generations, a full collection no longer walks
# them: on the 2-core benchmark machine one took ~50 ms, paid by whichever request set it
# off.
gc.freeze()
