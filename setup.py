"""Banten Satu Data: one distribution, three CKAN extensions.

The three extensions live in their own folders (``ckanext-<name>/ckanext/<name>``)
so each keeps the usual CKAN extension shape, but they are installed together
from this file.  ``ckanext`` stays an implicit (PEP 420) namespace package, as
in CKAN 2.12's wheel and ckanext-scheming 3.1.0: we never ship a
``ckanext/__init__.py`` that could shadow theirs.  The shared ``schemas/``
folder is mapped to ``ckanext.bantensatudata.schemas`` so the installed
package finds the ckanext-scheming YAML with ``module:path`` references.
"""
from __future__ import annotations

import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
EXTENSIONS = ("bantensatudata", "bantensso", "bantenportal")


def _packages() -> tuple[list[str], dict[str, str]]:
    """Every regular package below each extension, with its source folder."""
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for ext in EXTENSIONS:
        root = os.path.join(f"ckanext-{ext}", "ckanext", ext)
        for dirpath, dirnames, filenames in os.walk(os.path.join(HERE, root)):
            dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "node_modules")]
            if "__init__.py" not in filenames:
                continue
            rel = os.path.relpath(dirpath, HERE)
            name = "ckanext." + os.path.relpath(rel, f"ckanext-{ext}/ckanext").replace(os.sep, ".")
            packages.append(name)
            package_dir[name] = rel
    packages.append("ckanext.bantensatudata.schemas")
    package_dir["ckanext.bantensatudata.schemas"] = "schemas"
    return packages, package_dir


PACKAGES, PACKAGE_DIR = _packages()


def _readme() -> str:
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        return f.read()

DATA_PATTERNS = [
    "*.yaml", "*.yml", "*.json", "*.html", "*.txt", "*.csv", "*.po", "*.pot", "*.mo",
    "*.css", "*.js", "*.svg", "*.png", "*.ico", "*.ini", "*.mako", "*.sql",
    "*.cfg", "README*",
]

setup(
    name="bantensatudata",
    version="0.1.0",
    description="Banten Satu Data: the open-data portal of the Province of Banten (CKAN extensions)",
    long_description=_readme(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10,<3.13",
    packages=PACKAGES,
    package_dir=PACKAGE_DIR,
    package_data={name: DATA_PATTERNS + ["**/*"] for name in PACKAGES},
    include_package_data=True,
    zip_safe=False,
    install_requires=[
        "ckan[requirements]==2.12.0",
        "ckanext-scheming==3.1.0",
        "ckanext-dcat==2.4.4",
        "Authlib>=1.9.10,<2",
        "joserfc>=1.8,<2",
        "python-magic>=0.4.27,<0.5",
        "ijson>=3.3,<4",
        "defusedxml>=0.7,<0.8",
        "gunicorn>=23",
        "PyYAML>=6,<7",
    ],
    entry_points={
        "ckan.plugins": [
            "bantensatudata = ckanext.bantensatudata.plugin:BantenSatuDataPlugin",
            "bantensatudata_search = ckanext.bantensatudata.search.plugin:BantenSatuDataSearchPlugin",
            "bantensatudata_uploads = ckanext.bantensatudata.uploads.plugin:BantenSatuDataUploadsPlugin",
            "bantensatudata_dashboard = ckanext.bantensatudata.dashboard.plugin:BantenSatuDataDashboardPlugin",
            "bantensatudata_api = ckanext.bantensatudata.api.plugin:BantenSatuDataApiPlugin",
            "bantensso = ckanext.bantensso.plugin:BantenSSOPlugin",
            "bantenportal = ckanext.bantenportal.plugin:BantenPortalPlugin",
        ],
        "ckan.rdf.profiles": [
            "bantensatudata_dcat = ckanext.bantensatudata.api.dcat:BantenSatuDataDCATProfile",
            "bantensatudata_schemaorg = ckanext.bantensatudata.api.dcat:BantenSatuDataSchemaOrgProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
)
