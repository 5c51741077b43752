"""ROD bulk v1: the one definition of the bulk format (models, value lists, XSDs)."""

from typing import Literal

Sector = Literal["ho", "mbo"]

FORMAT_NAME = "ROD bulk v1"
FORMAT_VERSION = "1"
NAMESPACES: dict[Sector, str] = {
    "ho": "urn:rodcli:schema:ROD_Bulk_HO_V1",
    "mbo": "urn:rodcli:schema:ROD_Bulk_MBO_V1",
}
ROOT_ELEMENT = "aanleveren_onderwijsdeelnemers_request"
SECTORS: tuple[Sector, ...] = ("ho", "mbo")
