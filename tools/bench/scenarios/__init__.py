"""Scenario plugins. Each module exports ``SCENARIOS: tuple[Scenario, ...]``.

To add one (for example ``engine-append``), create ``tools/bench/scenarios/engine.py`` defining
``setup(env) -> context`` and ``run(context) -> metrics`` and listing the ``Scenario`` objects in
``SCENARIOS``; the registry finds it and every case naming it in ``budgets.toml`` starts
measuring it. See :mod:`tools.bench.scenario` for the contract.
"""
