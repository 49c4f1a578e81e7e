"""The default published rules, so every deployment starts with them. Wording is ours."""

from django.db import migrations

RULES = [
    (
        "review-first",
        "نوشته‌ها پس از بررسی منتشر می‌شوند",
        "هر مسئله، پیشنهاد و نظر پیش از انتشار (یا در شیوه‌ی پس از انتشار، بلافاصله پس از آن) "
        "به دست ناظران شهر و بر پایه‌ی همین قواعد بررسی می‌شود و نتیجه با ذکر قاعده به "
        "نویسنده اعلام می‌شود.",
        False,
    ),
    (
        "slander",
        "بدون تهمت و افترا",
        "نوشته‌ای که به شخص یا نهادی نسبت نادرست یا اثبات‌نشده می‌دهد منتشر نمی‌شود. مسئله را "
        "شرح دهید، نه اتهام را.",
        True,
    ),
    (
        "off-topic",
        "مرتبط با شهر و برنامه",
        "نوشته باید به مسائل شهر، برنامه‌ی شهر یا موضوع همان صفحه مربوط باشد؛ نوشته‌ی بی‌ربط "
        "منتشر نمی‌شود.",
        True,
    ),
    (
        "persian",
        "به زبان فارسی",
        "نوشته‌ها به فارسی نوشته شوند تا همه‌ی شهروندان و برنامه‌ریزان بتوانند آن را بخوانند. "
        "نام‌ها و اصطلاحات فنی لاتین اشکالی ندارد.",
        True,
    ),
    (
        "insult",
        "بدون توهین و نفرت‌پراکنی",
        "توهین، تحقیر، تهدید یا نفرت‌پراکنی علیه هر فرد یا گروهی منتشر نمی‌شود؛ نقد محترمانه "
        "آزاد است.",
        True,
    ),
    (
        "personal-data",
        "بدون اطلاعات شخصی دیگران",
        "شماره‌ی تلفن، نشانی، کد ملی، پلاک خودرو یا هر اطلاعات شناسایی دیگران را ننویسید.",
        True,
    ),
    (
        "advertising",
        "بدون تبلیغ و هرزنامه",
        "آگهی، تبلیغ کالا یا خدمات، پیوندهای تبلیغاتی و نوشته‌های تکراری انبوه منتشر نمی‌شود.",
        True,
    ),
]


def create_rules(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    for position, (code, title, description, citeable) in enumerate(RULES, start=1):
        Rule.objects.get_or_create(
            code=code,
            version=1,
            defaults={
                "title": title,
                "description": description,
                "citeable": citeable,
                "position": position,
            },
        )


def remove_rules(apps, schema_editor):
    Rule = apps.get_model("moderation", "Rule")
    Rule.objects.filter(code__in=[r[0] for r in RULES], version=1, decisions=None).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_decisions_append_only")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
