from django.urls import path

from jiayuan.billing import views

app_name = "billing"
urlpatterns = [
    path("fee-items/", views.fee_items, name="fee_items"),
    path("runs/", views.runs, name="runs"),
    path("bills/", views.bills, name="bills"),
    path("bills/<int:pk>/", views.bill, name="bill"),
    path("credits/<int:pk>/approve/", views.credit_decide, {"decision": "approve"}, name="credit_approve"),
    path("credits/<int:pk>/reject/", views.credit_decide, {"decision": "reject"}, name="credit_reject"),
    path("desk/", views.desk, name="desk"),
    path("payments/", views.payments, name="payments"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("receipts/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("arrears/", views.arrears, name="arrears"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/journal.beancount", views.ledger_export, {"fmt": "beancount"}, name="ledger_beancount"),
    path("ledger/journal.xlsx", views.ledger_export, {"fmt": "xlsx"}, name="ledger_xlsx"),
    path("online/sandbox/<str:out_trade_no>/", views.sandbox_pay, name="sandbox_pay"),
    path("online/notify/<str:provider>/", views.online_notify, name="online_notify"),
]
