"""ROD bulk v1: the one definition of the bulk format (models, value lists, XSDs)."""

FORMAT_NAME = "ROD bulk v1"
FORMAT_VERSION = "1"
NAMESPACES = {
    "ho": "urn:rodcli:schema:ROD_Bulk_HO_V1",
    "mbo": "urn:rodcli:schema:ROD_Bulk_MBO_V1",
}
ROOT_ELEMENT = "aanleveren_onderwijsdeelnemers_request"
SECTORS = ("ho", "mbo")
