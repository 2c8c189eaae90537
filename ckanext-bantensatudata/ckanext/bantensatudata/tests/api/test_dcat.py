"""DCAT and schema.org output, parsed with rdflib, for datasets with Satu Data fields."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from ckanext.bantensatudata.api import dcat as profile

EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")


def _graph(app, url: str, fmt: str = "turtle") -> Graph:
    response = app.get(url)
    assert response.status_code == 200, response.body
    return Graph().parse(data=response.body, format=fmt)


def _dataset_ref(graph: Graph) -> URIRef:
    refs = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(refs) == 1
    return refs[0]


class TestDatasetProfile:
    def test_satu_data_fields_map_to_dcat_terms(self, app, world):
        g = _graph(app, f"/dataset/{world.dataset['name']}.ttl")
        ds = _dataset_ref(g)
        assert ds == URIRef(f"http://test.ckan.net/dataset/{world.dataset['id']}")
        assert g.value(ds, DCTERMS.title) == Literal("Jumlah Puskesmas Menurut Kabupaten/Kota")

        # OPD as publisher, fresh from the organization
        publisher = g.value(ds, DCTERMS.publisher)
        assert publisher == URIRef(f"http://test.ckan.net/organization/{world.organization['id']}")
        assert g.value(publisher, FOAF.name) == Literal("Dinas Kesehatan")
        assert g.value(publisher, DCTERMS.identifier) == Literal("1.02.01")
        assert g.value(publisher, FOAF.homepage) == URIRef("https://dinkes.bantenprov.go.id")
        assert g.value(publisher, SKOS.altLabel) == Literal("Dinkes")

        # walidata: custodian attribution
        attribution = g.value(ds, PROV.qualifiedAttribution)
        assert g.value(attribution, DCAT.hadRole) == profile.CUSTODIAN_ROLE
        agent = g.value(attribution, PROV.agent)
        assert g.value(agent, FOAF.name) == Literal("Diskominfo Provinsi Banten")

        # frekuensi, periode, cakupan wilayah
        assert list(g.objects(ds, DCTERMS.accrualPeriodicity)) == [EU_FREQ.ANNUAL]
        period = g.value(ds, DCTERMS.temporal)
        assert g.value(period, DCAT.startDate) == Literal("2019", datatype=XSD.gYear)
        assert g.value(period, DCAT.endDate) == Literal("2023", datatype=XSD.gYear)
        place = g.value(ds, DCTERMS.spatial)
        assert g.value(place, DCTERMS.identifier) == Literal("36")
        assert Literal("Provinsi Banten", lang="id") in set(g.objects(place, SKOS.prefLabel))

        # sector groups as themes in the portal's sector scheme
        theme = g.value(ds, DCAT.theme)
        assert theme == URIRef("http://test.ckan.net/group/kesehatan")
        assert g.value(theme, SKOS.prefLabel) == Literal("Kesehatan", lang="id")
        assert (theme, RDF.type, SKOS.Concept) in g
        assert g.value(theme, SKOS.inScheme) == URIRef("http://test.ckan.net/group/")

        # licence on the dataset and on the distribution; format from the EU vocabulary
        licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert g.value(ds, DCTERMS.license) == licence
        distribution = g.value(ds, DCAT.distribution)
        assert g.value(distribution, DCTERMS.license) == licence
        assert list(g.objects(distribution, DCTERMS["format"])) == [EU_FILE.CSV]
        assert str(g.value(distribution, DCAT.downloadURL) or g.value(distribution, DCAT.accessURL)
                   ).endswith("/download/puskesmas-2023.csv")

        # contact point and language
        contact = g.value(ds, DCAT.contactPoint)
        assert g.value(contact, VCARD.fn) == Literal("Seksi Data Dinkes")
        assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:data.dinkes@bantenprov.go.id")
        assert profile.INDONESIAN in set(g.objects(ds, DCTERMS.language))

    @pytest.mark.parametrize("code,expected", [
        ("semesteran", "ANNUAL_2"), ("bulanan", "MONTHLY"), ("tidak_tentu", "IRREG"),
    ])
    def test_every_frequency_maps(self, app, world, code, expected):
        call_action("package_patch", {"user": world.sysadmin["name"]},
                    id=world.dataset["id"], frekuensi=code, cakupan_wilayah="36.73")
        g = _graph(app, f"/dataset/{world.dataset['name']}.rdf", fmt="xml")
        ds = _dataset_ref(g)
        assert list(g.objects(ds, DCTERMS.accrualPeriodicity)) == [EU_FREQ[expected]]
        place = g.value(ds, DCTERMS.spatial)
        assert g.value(place, DCTERMS.identifier) == Literal("36.73")
        assert Literal("Kota Serang", lang="id") in set(g.objects(place, SKOS.prefLabel))

    def test_renamed_opd_is_not_served_stale(self, app, world):
        _graph(app, f"/dataset/{world.dataset['name']}.ttl")
        call_action("organization_patch", {"user": world.sysadmin["name"]},
                    id=world.organization["id"], title="Dinas Kesehatan Provinsi Banten")
        g = _graph(app, f"/dataset/{world.dataset['name']}.jsonld", fmt="json-ld")
        publisher = g.value(_dataset_ref(g), DCTERMS.publisher)
        assert list(g.objects(publisher, FOAF.name)) == [Literal("Dinas Kesehatan Provinsi Banten")]

    def test_private_dataset_is_not_served(self, app, world):
        call_action("package_patch", {"user": world.sysadmin["name"]},
                    id=world.dataset["id"], private=True)
        response = app.get(f"/dataset/{world.dataset['name']}.ttl")
        assert response.status_code in (403, 404)
        assert "Puskesmas" not in response.body
        catalog = _graph(app, "/catalog.ttl")
        assert not list(catalog.subjects(RDF.type, DCAT.Dataset))


class TestCatalog:
    def test_catalog_lists_dataset_and_describes_the_province(self, app, world):
        g = _graph(app, "/catalog.ttl")
        catalog = next(g.subjects(RDF.type, DCAT.Catalog))
        assert g.value(catalog, DCTERMS.language) == profile.INDONESIAN
        publisher = g.value(catalog, DCTERMS.publisher)
        assert g.value(publisher, FOAF.name) == Literal("Pemerintah Provinsi Banten")
        assert g.value(g.value(catalog, DCTERMS.spatial), DCTERMS.identifier) == Literal("36")
        assert g.value(catalog, DCAT.themeTaxonomy) == URIRef("http://test.ckan.net/group/")
        datasets = list(g.objects(catalog, DCAT.dataset))
        assert datasets == [URIRef(f"http://test.ckan.net/dataset/{world.dataset['id']}")]
        assert list(g.objects(datasets[0], DCTERMS.accrualPeriodicity)) == [EU_FREQ.ANNUAL]

    def test_harvesting_our_catalog_gives_the_satu_data_fields_back(self, app, world):
        from ckanext.dcat.processors import RDFParser

        body = app.get("/catalog.ttl").body
        parser = RDFParser(profiles=["euro_dcat_ap_3", "bantensatudata_dcat"])
        parser.parse(body, _format="turtle")
        (parsed,) = list(parser.datasets())
        assert parsed["frekuensi"] == "tahunan"
        assert (parsed["periode_awal"], parsed["periode_akhir"]) == ("2019", "2023")
        assert parsed["cakupan_wilayah"] == "36"
        assert parsed["walidata"] == "Diskominfo Provinsi Banten"


class TestStructuredData:
    def test_dataset_page_carries_schema_org_json_ld(self, app, world):
        response = app.get(f"/dataset/{world.dataset['name']}")
        soup = BeautifulSoup(response.body, "html.parser")
        scripts = soup.find_all("script", type="application/ld+json")
        assert scripts, "no structured data in the dataset page"
        g = Graph().parse(data=scripts[0].string, format="json-ld")
        ds = next(g.subjects(RDF.type, SCHEMA.Dataset))
        assert str(g.value(ds, SCHEMA.temporalCoverage)) == "2019/2023"
        publisher = g.value(ds, SCHEMA.publisher)
        assert str(g.value(publisher, SCHEMA.name)) == "Dinas Kesehatan"
        place = g.value(ds, SCHEMA.spatialCoverage)
        assert str(g.value(place, SCHEMA.name)) == "Provinsi Banten"
        assert str(g.value(ds, SCHEMA.license)) == "https://creativecommons.org/licenses/by/4.0/"
        assert json.loads(scripts[0].string)  # valid JSON for search engines
