"""Production static storage: whitenoise's compressed, hashed ("manifest") names.

One allowance over the stock class: a third-party stylesheet that points at a file its
package does not ship (django-jalali's jQuery UI theme names images it leaves out) keeps
that reference as written instead of failing `collectstatic`. Our own files are checked by
tests/backend/test_deploy_files.py; a template naming a missing file still fails loudly
(WHITENOISE_MANIFEST_STRICT).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name).split("?")[0]):
                return name  # referenced from a CSS file, absent from its package
            raise
