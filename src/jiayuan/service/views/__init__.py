"""Staff pages of the service app, one module per sub-domain: customer requests (``requests``: the queue,
intake, the request page and its actions, jobs, return visits, the ledger, summary and archive) and the
desk's records (``desk``: goods-release slips and the gate, home visits, legacy defects). ``urls.py``
imports the modules."""
