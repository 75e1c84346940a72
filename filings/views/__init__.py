"""Filings pages, one module per resource: thin, every read through `filings.selectors`
(scoped), every write through `filings.services`; objects outside the actor's scope are 404
(DomainErrorMiddleware)."""
