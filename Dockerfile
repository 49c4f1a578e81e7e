# The Persian typeface from the npm registry (scripts/fetch-fonts checks its integrity).
FROM node:20-slim AS fonts
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-fonts scripts/fetch-fonts
RUN scripts/fetch-fonts && test -f frontend/static/fonts/vazirmatn/Vazirmatn-Variable.woff2

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=fonts /src/frontend/static/fonts frontend/static/fonts
# Static files are collected at build time and served by whitenoise.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build OTP_SENDER_ALLOW_LOG=1 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["uvicorn", "backend.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--no-proxy-headers"]
