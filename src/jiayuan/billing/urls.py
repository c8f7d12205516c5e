from django.urls import path

from jiayuan.billing import views, views_meters, views_reports, views_usage

app_name = "billing"
urlpatterns = [
    path("fee-items/", views.fee_items, name="fee_items"),
    path("runs/", views.runs, name="runs"),
    path("bills/", views.bills, name="bills"),
    path("bills/<int:pk>/", views.bill, name="bill"),
    path("credits/<int:pk>/approve/", views.credit_decide, {"decision": "approve"}, name="credit_approve"),
    path("credits/<int:pk>/reject/", views.credit_decide, {"decision": "reject"}, name="credit_reject"),
    path("desk/", views.desk, name="desk"),
    path("refunds/<int:pk>/", views.refund, name="refund"),
    path("refunds/<int:pk>/approve/", views.refund_decide, {"decision": "approve"}, name="refund_approve"),
    path("refunds/<int:pk>/reject/", views.refund_decide, {"decision": "reject"}, name="refund_reject"),
    path("payments/", views.payments, name="payments"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("receipts/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("arrears/", views_reports.arrears, name="arrears"),
    path("arrears/reminders/", views_reports.reminders_send, name="reminders_send"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/journal.beancount", views.ledger_export, {"fmt": "beancount"}, name="ledger_beancount"),
    path("ledger/journal.xlsx", views.ledger_export, {"fmt": "xlsx"}, name="ledger_xlsx"),
    path("expenses/", views_reports.expenses, name="expenses"),
    path("expenses/<int:pk>/reverse/", views_reports.expense_reverse_view, name="expense_reverse"),
    path("expenses/categories/", views_reports.expense_categories, name="expense_categories"),
    path(
        "expenses/categories/<int:pk>/", views_reports.expense_category_change, name="expense_category_change"
    ),
    path("disclosure/", views_reports.disclosure, name="disclosure"),
    path("disclosure/report.pdf", views_reports.disclosure_export, {"fmt": "pdf"}, name="disclosure_pdf"),
    path("disclosure/report.xlsx", views_reports.disclosure_xlsx, name="disclosure_xlsx"),
    path("online/sandbox/<str:out_trade_no>/", views.sandbox_pay, name="sandbox_pay"),
    path("online/notify/<str:provider>/", views.online_notify, name="online_notify"),
    path("meters/", views_meters.meters, name="meters"),
    path("meters/read/", views_meters.meter_read, name="meter_read"),
    path("meters/usage/", views_usage.meter_usage, name="meter_usage"),
    path("meters/<int:pk>/usage/", views_usage.meter_usage_detail, name="meter_usage_detail"),
    path("deposits/", views_meters.deposits, name="deposits"),
    path("deposits/<int:pk>/move/", views_meters.deposit_move, name="deposit_move"),
    path("trust/", views_meters.trust, name="trust"),
    path("trust/<int:pk>/return/", views_meters.trust_return, name="trust_return"),
]
