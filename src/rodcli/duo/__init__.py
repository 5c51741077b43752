"""Files DUO sends back to an institution, read into small typed records of their own.

Only the Registratieoverzicht (RO, PvE MBO-instelling chapter 15) for now: see
:mod:`rodcli.duo.registratieoverzicht`. Nothing here depends on ROD bulk v1's models.
"""
