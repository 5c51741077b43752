"""rodcli: bulk files for DUO's Register Onderwijsdeelnemers (ROD)."""

__version__ = "0.1.0"
