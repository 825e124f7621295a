
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('subsidies', '0003_program_field_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='subsidycase',
            name='cost_categories',
            field=models.JSONField(blank=True, default=dict, verbose_name='what each invoice paid for'),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided at'),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='decision_note',
            field=models.TextField(blank=True, default='', max_length=4000, verbose_name='reasons for the decision'),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='paid_amount_jpy',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='amount paid (JPY)'),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='paid_on',
            field=models.DateField(blank=True, null=True, verbose_name='paid on'),
        ),
        migrations.AddField(
            model_name='subsidycase',
            name='payment_reference',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='payment reference'),
        ),
        migrations.AddField(
            model_name='subsidyprogram',
            name='closes_on',
            field=models.DateField(blank=True, null=True, verbose_name='applications close on'),
        ),
        migrations.AddField(
            model_name='subsidyprogram',
            name='cost_categories',
            field=models.JSONField(blank=True, default=list, help_text='What an invoice may have paid for.', verbose_name='eligible cost categories'),
        ),
        migrations.AddField(
            model_name='subsidyprogram',
            name='floor_jpy',
            field=models.PositiveIntegerField(blank=True, help_text='Eligible costs below this are not supported (incident-cost programs).', null=True, verbose_name='floor (JPY)'),
        ),
        migrations.AddField(
            model_name='subsidyprogram',
            name='kind',
            field=models.CharField(choices=[('hire', 'Hiring subsidy'), ('incident_cost', 'Support for incident costs')], default='hire', max_length=15, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='subsidyprogram',
            name='opens_on',
            field=models.DateField(blank=True, null=True, verbose_name='applications open on'),
        ),
        migrations.AlterField(
            model_name='subsidycase',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('plan_submitted', 'Plan submitted'), ('plan_certified', 'Plan certified'), ('in_progress', 'In progress'), ('period_ended', 'Period ended'), ('collecting_documents', 'Collecting documents'), ('submitted', 'Submitted'), ('under_review', 'Under review'), ('correction_requested', 'Correction requested'), ('granted', 'Granted'), ('paid', 'Paid'), ('not_paid', 'Not paid'), ('expired', 'Expired'), ('withdrawn', 'Withdrawn')], default='draft', max_length=25, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='subsidydocument',
            name='document_type',
            field=models.CharField(choices=[('application_form', 'Application form (支給申請書)'), ('eligibility_statement', 'Statement of eligibility (支給要件確認申立書)'), ('payment_details', 'Payment details (支払方法・受取人住所届)'), ('employment_contract', 'Employment contract / notice of terms (雇用契約書・労働条件通知書)'), ('attendance', 'Attendance records (出勤簿・タイムカード)'), ('wage_ledger', 'Wage ledger (賃金台帳)'), ('worker_register', 'Worker register (労働者名簿)'), ('work_rules', 'Work rules (就業規則)'), ('plan', 'Plan (計画書)'), ('invoice_copy', 'Copies of the invoices (請求書の写し)'), ('payment_proof', 'Proof of payment (振込記録)'), ('incident_report', 'Incident report (事故報告書)'), ('other', 'Other')], max_length=30, verbose_name='document type'),
        ),
    ]
