"""The computation's stages, in the order :func:`kaohe.engine.compute.compute` runs them.

Each stage is a function of explicit inputs (the scheme, the period data, earlier stages' outputs)
returning a frozen dataclass; none reads or writes a shared bag. Data problems are added to a
:class:`~kaohe.engine.errors.ProblemList` the caller raises.
"""
