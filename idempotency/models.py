from django.db import models


class IdempotencyKey(models.Model):
    """One creating request by one client: the key it sent (an API `Idempotency-Key` or a
    page's one-time form token), what it asked, and the answer it got. Inserted before the
    work, in the same transaction; a retry with the same key gets the stored answer."""

    owner = models.CharField(max_length=80)  # "token:<hash>", "user:<id>" or "addr:<ip>"
    key = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status = models.PositiveSmallIntegerField(null=True)
    content = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "کلید تکرار امن"
        verbose_name_plural = "کلیدهای تکرار امن"
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
