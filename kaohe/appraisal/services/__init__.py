"""Writes of the appraisal cycle, one module per concern: schemes, periods (the state machine),
publicity, scoring (sheets and KPIs), claims, results (computation and result versions), committee
and appeals. Each service is keyword-only, runs in one transaction and records its audit event there;
a refusal raises ``Refusal`` (a clear message) and changes nothing. Import a service from the module
that owns it; this package re-exports nothing."""
