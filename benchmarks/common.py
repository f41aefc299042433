"""What the benchmarks share: the columns of ``org_person`` they bulk-load people with (the appraisal
and work-log benchmarks write the same people table; each adds its own ``id`` or ``gender``)."""

PERSON_COLUMNS = [
    "staff_no",
    "name",
    "unit_id",
    "identity",
    "staffing",
    "post_type",
    "post_level",
    "start_date",
    "active",
]
