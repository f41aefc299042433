"""Pages of the appraisal cycle, one module per concern. Each view: authorise through the scope
layer, validate with a form, call one service, respond; a form's errors are shown beside its fields,
a refusal (Refusal) as a message, and nothing is changed."""
