"""DCAT and schema.org profiles for Satu Data metadata (ckanext-dcat 2.4).

Satu Data Indonesia (Perpres 39/2019) federates regional catalogues through
interoperable metadata.  ckanext-dcat's ``euro_dcat_ap_3`` profile already
serialises CKAN's core fields; :class:`BantenSatuDataDCATProfile` runs after it
(``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 bantensatudata_dcat``) and maps
the fields our scheming schema adds:

===================  ==========================================================
OPD (owner_org)      ``dct:publisher`` (foaf:Agent: name, kode_opd, website)
walidata             ``prov:qualifiedAttribution`` with role *custodian*
frekuensi            ``dct:accrualPeriodicity`` (EU frequency vocabulary)
periode_awal/akhir   ``dct:temporal`` / ``dcat:startDate`` ``dcat:endDate``
cakupan_wilayah      ``dct:spatial`` (dct:Location with the Kemendagri code)
sector groups        ``dcat:theme`` (skos:Concept in the portal's sector scheme)
format               ``dct:format`` (EU file-type vocabulary when known)
licence              ``dct:license`` on the dataset and every distribution
===================  ==========================================================

``parse_dataset`` maps the same terms back, so another Satu Data portal
harvesting us with this profile gets the fields as we hold them.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask import g, has_request_context
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import PROV

from ckanext.dcat.profiles import (
    DCAT,
    DCT,
    FOAF,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
    SchemaOrgProfile,
)
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import (
    publisher_uri_organization_fallback,
    resource_uri,
)

from ..logic.choices import WILAYAH
from . import config as api_config

EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
CUSTODIAN_ROLE = URIRef(
    "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian"
)
INDONESIAN = EU_LANGUAGE["IND"]

#: Satu Data frekuensi -> EU "Frequency" authority table.
FREQUENCY: dict[str, URIRef] = {
    "harian": EU_FREQUENCY["DAILY"],
    "mingguan": EU_FREQUENCY["WEEKLY"],
    "bulanan": EU_FREQUENCY["MONTHLY"],
    "triwulanan": EU_FREQUENCY["QUARTERLY"],
    "semesteran": EU_FREQUENCY["ANNUAL_2"],
    "tahunan": EU_FREQUENCY["ANNUAL"],
    "lima_tahunan": EU_FREQUENCY["QUINQUENNIAL"],
    "tidak_tentu": EU_FREQUENCY["IRREG"],
}
FREQUENCY_BACK: dict[URIRef, str] = {v: k for k, v in FREQUENCY.items()}


#: CKAN format label -> EU file-type code (only formats the portal accepts).
FILE_TYPES: dict[str, str] = {
    "CSV": "CSV", "TSV": "TSV", "XLS": "XLS", "XLSX": "XLSX", "ODS": "ODS",
    "JSON": "JSON", "GEOJSON": "GEOJSON", "XML": "XML", "PDF": "PDF",
    "DOC": "DOC", "DOCX": "DOCX", "ODT": "ODT", "PPT": "PPT", "PPTX": "PPTX",
    "TXT": "TXT", "ZIP": "ZIP", "SHP": "SHP", "KML": "KML", "KMZ": "KMZ",
    "PNG": "PNG", "JPG": "JPEG", "JPEG": "JPEG", "TIF": "TIFF", "TIFF": "TIFF",
    "HTML": "HTML", "PARQUET": "PARQUET", "RDF": "RDF_XML", "TTL": "RDF_TURTLE",
}

#: Licence URLs for ids CKAN's default register does not know.
LICENSE_URLS: dict[str, str] = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
}


def _value(data: dict[str, Any], key: str) -> Any:
    """A field from the dict root (scheming) or, failing that, its extras."""
    value = data.get(key)
    if value in (None, ""):
        for extra in data.get("extras") or []:
            if extra.get("key") == key:
                return extra.get("value")
    return value


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _choice_labels(profile: RDFProfile, field_name: str) -> dict[str, Any]:
    """Choice labels from the scheming field, so the RDF uses the UI's words."""
    field = profile._schema_field(field_name) or {}
    return {str(c.get("value")): c.get("label") for c in field.get("choices") or []}


def _strip_code(text: str) -> str:
    """"Kota Serang (36.73)" -> "Kota Serang": the code has its own triple."""
    return re.sub(r"\s*\([\d.]+\)\s*$", "", str(text))


def _label_literals(label: Any, fallback: str) -> list[Literal]:
    if isinstance(label, dict):
        return [Literal(_strip_code(text), lang=lang) for lang, text in label.items() if text]
    return [Literal(_strip_code(label or fallback), lang="id")]


def organization(org_id: str) -> dict[str, Any] | None:
    """The OPD behind a dataset, read once per request.

    Core's profile caches organisations for the life of the process (a renamed
    OPD would stay stale until a restart); a per-request cache keeps the
    catalogue page cheap (one read per OPD, not per dataset) and always fresh.
    """
    cache: dict[str, Any] | None = None
    if has_request_context():
        cache = g.setdefault("_bantensatudata_api_orgs", {})
        if org_id in cache:
            return cache[org_id]
    try:
        org = tk.get_action("organization_show")({"ignore_auth": True}, {
            "id": org_id, "include_datasets": False, "include_users": False,
            "include_groups": False, "include_tags": False, "include_followers": False})
    except tk.ObjectNotFound:
        org = None
    if cache is not None:
        cache[org_id] = org
    return org


def license_url(dataset_dict: dict[str, Any]) -> str | None:
    url = dataset_dict.get("license_url")
    if url:
        return url
    return LICENSE_URLS.get(dataset_dict.get("license_id") or "")


class BantenSatuDataDCATProfile(RDFProfile):
    """Satu Data fields on top of DCAT-AP 3 (list it after ``euro_dcat_ap_3``)."""

    # -- serialising -------------------------------------------------------
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("prov", PROV)
        g.add((dataset_ref, DCT.language, INDONESIAN))
        g.add((INDONESIAN, RDF.type, DCT.LinguisticSystem))
        self._publisher(dataset_dict, dataset_ref)
        self._walidata(dataset_dict, dataset_ref)
        self._frequency(dataset_dict, dataset_ref)
        self._period(dataset_dict, dataset_ref)
        self._coverage(dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        self._license_and_formats(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref)

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        g = self.g
        g.set((catalog_ref, DCT.language, INDONESIAN))
        publisher = URIRef(api_config.catalog_publisher_uri())
        g.set((catalog_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.set((publisher, FOAF.name, Literal(api_config.catalog_publisher_name())))
        g.add((publisher, DCT.type, ADMS_PUBLISHER_TYPE["RegionalAuthority"]))
        spatial = self._location(api_config.catalog_spatial_code())
        g.add((catalog_ref, DCT.spatial, spatial))
        scheme = self._sector_scheme()
        g.add((catalog_ref, DCAT.themeTaxonomy, scheme))

    # -- pieces ------------------------------------------------------------
    def _publisher(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        org_ref = dataset_dict.get("organization") or {}
        org = organization(org_ref["id"]) if org_ref.get("id") else None
        if not org:
            return
        g = self.g
        publisher = URIRef(publisher_uri_organization_fallback(dataset_dict))
        # core's profile may have added this agent from a stale cache: set, not add
        g.set((dataset_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, RDF.type, FOAF.Organization))
        g.set((publisher, FOAF.name, Literal(org.get("title") or org["name"])))
        g.set((publisher, DCT.type, ADMS_PUBLISHER_TYPE["RegionalAuthority"]))
        if org.get("kode_opd"):
            g.set((publisher, DCT.identifier, Literal(org["kode_opd"])))
        if org.get("singkatan"):
            g.set((publisher, SKOS.altLabel, Literal(org["singkatan"])))
        if org.get("website"):
            g.set((publisher, FOAF.homepage, URIRef(org["website"])))
        if org.get("email"):
            g.set((publisher, FOAF.mbox, URIRef(self._add_mailto(org["email"]))))

    def _walidata(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        for name in _as_list(_value(dataset_dict, "walidata")):
            g = self.g
            attribution, agent = BNode(), BNode()
            g.add((dataset_ref, PROV.qualifiedAttribution, attribution))
            g.add((attribution, RDF.type, PROV.Attribution))
            g.add((attribution, DCAT.hadRole, CUSTODIAN_ROLE))
            g.add((attribution, PROV.agent, agent))
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, Literal(name)))

    def _frequency(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        code = _value(dataset_dict, "frekuensi")
        uri = FREQUENCY.get(str(code or ""))
        if uri is None:
            return
        self.g.set((dataset_ref, DCT.accrualPeriodicity, uri))
        self.g.add((uri, RDF.type, DCT.Frequency))

    def _period(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        start = str(_value(dataset_dict, "periode_awal") or "").strip()
        end = str(_value(dataset_dict, "periode_akhir") or "").strip()
        if not (start or end):
            return
        g = self.g
        period = BNode()
        g.add((dataset_ref, DCT.temporal, period))
        g.add((period, RDF.type, DCT.PeriodOfTime))
        if start:
            self._add_date_triple(period, DCAT.startDate, start)
        if end:
            self._add_date_triple(period, DCAT.endDate, end)

    def _location(self, code: str) -> BNode:
        g = self.g
        location = BNode()
        g.add((location, RDF.type, DCT.Location))
        g.add((location, DCT.identifier, Literal(code)))
        g.add((location, SKOS.notation, Literal(code)))
        labels = _choice_labels(self, "cakupan_wilayah")
        for literal in _label_literals(labels.get(code), WILAYAH.get(code, code)):
            g.add((location, SKOS.prefLabel, literal))
        return location

    def _coverage(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        for code in _as_list(_value(dataset_dict, "cakupan_wilayah")):
            self.g.add((dataset_ref, DCT.spatial, self._location(code)))

    def _sector_scheme(self) -> URIRef:
        scheme = URIRef(tk.url_for("group.index", _external=True))
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.g.set((scheme, DCT.title, Literal("Sektor Satu Data Banten", lang="id")))
        return scheme

    def _themes(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        groups = dataset_dict.get("groups") or []
        if not groups:
            return
        g = self.g
        scheme = self._sector_scheme()
        for group in groups:
            theme = URIRef(tk.url_for("group.read", id=group["name"], _external=True))
            g.add((dataset_ref, DCAT.theme, theme))
            g.add((theme, RDF.type, SKOS.Concept))
            g.set((theme, SKOS.prefLabel, Literal(group.get("title") or group["name"], lang="id")))
            g.set((theme, SKOS.notation, Literal(group["name"])))
            g.add((theme, SKOS.inScheme, scheme))

    def _license_and_formats(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        licence = license_url(dataset_dict)
        licence_ref = URIRef(licence) if licence else None
        if licence_ref is not None:
            g.set((dataset_ref, DCT.license, licence_ref))
            g.add((licence_ref, RDF.type, DCT.LicenseDocument))
            if dataset_dict.get("license_title"):
                g.set((licence_ref, DCT.title, Literal(dataset_dict["license_title"])))
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            if licence_ref is not None and (distribution, DCT.license, None) not in g:
                g.add((distribution, DCT.license, licence_ref))
            fmt = str(resource.get("format") or "").strip().upper().lstrip(".")
            code = FILE_TYPES.get(fmt)
            if code:
                g.remove((distribution, DCT["format"], None))
                g.add((distribution, DCT["format"], EU_FILE_TYPE[code]))
                g.add((EU_FILE_TYPE[code], RDF.type, DCT.MediaTypeOrExtent))

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        from ckanext.dcat.profiles import VCARD

        name = _value(dataset_dict, "kontak_nama")
        email = _value(dataset_dict, "kontak_email")
        if not (name or email):
            return
        g = self.g
        contact = BNode()
        g.add((dataset_ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        if name:
            g.add((contact, VCARD.fn, Literal(name)))
        if email:
            g.add((contact, VCARD.hasEmail, URIRef(self._add_mailto(email))))

    # -- parsing (harvesting another Satu Data catalogue) --------------------
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        g = self.g
        for uri in g.objects(dataset_ref, DCT.accrualPeriodicity):
            if uri in FREQUENCY_BACK:
                self._set_dataset_value(dataset_dict, "frekuensi", FREQUENCY_BACK[uri])
                break
        for period in g.objects(dataset_ref, DCT.temporal):
            start = g.value(period, DCAT.startDate)
            end = g.value(period, DCAT.endDate)
            if start is not None:
                self._set_dataset_value(dataset_dict, "periode_awal", str(start)[:4])
            if end is not None:
                self._set_dataset_value(dataset_dict, "periode_akhir", str(end)[:4])
        for location in g.objects(dataset_ref, DCT.spatial):
            code = g.value(location, DCT.identifier)
            if code is not None and str(code).startswith("36"):
                self._set_dataset_value(dataset_dict, "cakupan_wilayah", str(code))
                break
        for attribution in g.objects(dataset_ref, PROV.qualifiedAttribution):
            if (attribution, DCAT.hadRole, CUSTODIAN_ROLE) in g:
                agent = g.value(attribution, PROV.agent)
                name = g.value(agent, FOAF.name) if agent is not None else None
                if name is not None:
                    self._set_dataset_value(dataset_dict, "walidata", str(name))
                    break
        return dataset_dict


class BantenSatuDataSchemaOrgProfile(SchemaOrgProfile):
    """schema.org Dataset for search engines (structured data in dataset pages)."""

    def additional_fields(self, dataset_ref: URIRef, dataset_dict: dict[str, Any]) -> None:
        g = self.g
        g.add((dataset_ref, SCHEMA.inLanguage, Literal("id")))
        org_ref = dataset_dict.get("organization") or {}
        org = organization(org_ref["id"]) if org_ref.get("id") else None
        if org:
            publisher = URIRef(publisher_uri_organization_fallback(dataset_dict))
            g.add((dataset_ref, SCHEMA.publisher, publisher))
            g.add((publisher, RDF.type, SCHEMA.GovernmentOrganization))
            g.add((publisher, SCHEMA.name, Literal(org.get("title") or org["name"])))
            g.add((publisher, SCHEMA.url, Literal(
                tk.url_for("organization.read", id=org["name"], _external=True))))
        start = str(_value(dataset_dict, "periode_awal") or "").strip()
        end = str(_value(dataset_dict, "periode_akhir") or "").strip()
        if start or end:
            g.add((dataset_ref, SCHEMA.temporalCoverage, Literal(f"{start or '..'}/{end or '..'}")))
        labels = _choice_labels(self, "cakupan_wilayah")
        for code in _as_list(_value(dataset_dict, "cakupan_wilayah")):
            place = BNode()
            g.add((dataset_ref, SCHEMA.spatialCoverage, place))
            g.add((place, RDF.type, SCHEMA.Place))
            label = labels.get(code)
            name = label.get("id") if isinstance(label, dict) else label
            g.add((place, SCHEMA.name, Literal(_strip_code(name or WILAYAH.get(code, code)))))
            g.add((place, SCHEMA.identifier, Literal(code)))
        licence = license_url(dataset_dict)
        if licence:
            g.set((dataset_ref, SCHEMA.license, Literal(licence)))
        g.set((dataset_ref, SCHEMA.isAccessibleForFree, Literal(True, datatype=XSD.boolean)))
