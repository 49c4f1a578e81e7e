"""The actions the activity log records, with the Persian label a city admin reads.

Every service that changes state records one of these through
`accounts.services.activity_record`; a new action is added here first.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, str | Promise] = {
    # moderation
    "moderation.claim": _("برداشتن مورد صف نظارت"),
    "moderation.release": _("رها کردن مورد صف نظارت"),
    "moderation.decide": _("تصمیم نظارتی"),
    "moderation.report": _("گزارش نوشته"),
    "moderation.hide_by_reports": _("پنهان شدن با گزارش کاربران"),
    "moderation.appeal": _("درخواست بازبینی"),
    "content.state": _("تغییر وضعیت نوشته"),
    # problems
    "problem.photo_remove": _("برداشتن عکس مسئله"),
    "problem.edit": _("ویرایش مسئله به دست نویسنده پیش از بررسی"),
    "problem.withdraw": _("پس گرفتن مسئله به دست نویسنده"),
    "moderation.requeue": _("بازگشت نوشته‌ی ویرایش‌شده به صف نظارت"),
    "lexicon.save": _("ویرایش گروه هم‌معنی‌ها"),
    "lexicon.delete": _("حذف گروه هم‌معنی‌ها"),
    # triage and the inventory
    "triage.accept": _("پذیرش مسئله در فهرست"),
    "triage.merge": _("ادغام مسئله"),
    "triage.out_of_scope": _("خارج از موضوع"),
    "inventory.create": _("افزودن مسئله‌ی فهرست"),
    "inventory.update": _("ویرایش مسئله‌ی فهرست"),
    "inventory.link_items": _("پیوند بندهای برنامه به فهرست"),
    # accounts
    "organisation.register": _("ثبت سمن"),
    "organisation.status": _("تغییر وضعیت سمن"),
    "membership.add": _("افزودن عضو سمن"),  # entries written before invitations
    "membership.invite": _("دعوت به عضویت سمن"),
    "membership.accept": _("پذیرفتن دعوت عضویت سمن"),
    "membership.decline": _("نپذیرفتن دعوت عضویت سمن"),
    "membership.role": _("تغییر نقش عضو سمن"),
    "membership.remove": _("برداشتن عضو سمن"),
    "staff_role.grant": _("دادن نقش کارکنان"),
    "staff_role.revoke": _("گرفتن نقش کارکنان"),
    "expertise.verify": _("تأیید نشان کارشناس"),
    "expertise.revoke": _("برداشتن نشان کارشناس"),
    # cities
    "city.boundaries_import": _("ورود مرزهای شهر و مناطق"),
    # monitoring
    "monitoring.indicator_create": _("افزودن شاخص"),
    "monitoring.version_draft": _("ویرایش پیش‌نویس شاخص"),
    "monitoring.version_publish": _("انتشار نسخه‌ی شاخص"),
    "monitoring.link_set": _("پیوند و وزن شاخص و بند"),
    "monitoring.baseline_set": _("ثبت مقدار پایه"),
    "monitoring.target_set": _("ثبت هدف کمّی"),
    "monitoring.item_state": _("تغییر وضعیت پایش بند"),
    "monitoring.measurement_enter": _("ثبت مقدار شاخص"),
    "monitoring.measurement_submit": _("فرستادن مقدار شاخص برای تأیید"),
    "monitoring.measurement_verify": _("تأیید مقدار شاخص"),
    "monitoring.measurement_correct": _("اصلاح مقدار تأییدشده"),
    "monitoring.measurement_compute": _("محاسبه‌ی مقدار شاخص با فرمول"),
    "monitoring.snapshot_close": _("بستن دوره و ثبت تصویر ارقام"),
    "monitoring.import": _("ورود گروهی مقدارهای شاخص از پرونده"),
    # the budget slice
    "budget.project_create": _("افزودن پروژه‌ی سالانه"),
    "budget.project_update": _("ویرایش پروژه‌ی سالانه"),
    "budget.milestone_add": _("افزودن گام پروژه"),
    "budget.milestone_update": _("ویرایش گام پروژه"),
    "budget.milestone_remove": _("برداشتن گام پروژه"),
    "budget.line_create": _("افزودن ردیف بودجه"),
    "budget.line_update": _("ویرایش ارقام ردیف بودجه"),
    "budget.funding_set": _("تعیین سهم ردیف بودجه برای پروژه"),
    "budget.funding_remove": _("برداشتن تأمین پروژه از ردیف"),
    "budget.mapping_set": _("نگاشت ستون‌های پرونده‌ی بودجه"),
    "budget.import": _("ورود گروهی ردیف‌های بودجه از پرونده"),
    # Open311 client apps
    "open311.client_issue": _("صدور کلید Open311"),
    "open311.client_revoke": _("ابطال کلید Open311"),
}
