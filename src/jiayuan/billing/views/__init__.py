"""Billing pages, one module per sub-domain: money (fee items, runs, bills, the payments desk, receipts,
refunds, online payments, expenses), holdings (meters and readings, deposits, property in trust), usage
(utility use against waste) and reports (arrears, the books, the disclosure report). ``billing/urls.py``
routes to the modules."""
