"""``ckan satudata ...``: seeding the catalogue from ``config/seed``."""
from __future__ import annotations

import sys

import click

from . import seed as seeding

__all__ = ["satudata"]


@click.group(short_help="Banten Satu Data catalogue: seed and checks.")
def satudata() -> None:
    """Banten Satu Data catalogue commands."""


def _load(seed_dir: str | None) -> seeding.Seed:
    try:
        return seeding.load(seed_dir)
    except seeding.SeedInvalid as exc:
        for err in exc.errors:
            click.secho(str(err), fg="red", err=True)
        click.secho(f"{len(exc.errors)} problem(s) in the seed files; nothing was changed.",
                    fg="red", err=True)
        sys.exit(1)


@satudata.command("validate-seed")
@click.option("--seed-dir", default=None, help="Folder of the seed files (default config/seed).")
def validate_seed(seed_dir: str | None) -> None:
    """Check the seed files without touching the portal."""
    s = _load(seed_dir)
    counts = s.counts()
    click.secho(
        f"Seed files are valid ({s.dir}): {counts['sectors']} sectors, {counts['opd']} OPD, "
        f"{counts['registry']} registry records, {counts['produk_hukum']} legal products, "
        f"{counts['datasets']} datasets, {counts['roles']} roles.", fg="green")


@satudata.command("seed")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--seed-dir", default=None, help="Folder of the seed files (default config/seed).")
def seed(dry_run: bool, seed_dir: str | None) -> None:
    """Create or update the OPD, sectors, registry, legal products and master tables."""
    s = _load(seed_dir)
    user = seeding.site_user()
    try:
        the_plan = seeding.plan(s, user)
    except seeding.SeedInvalid as exc:
        for err in exc.errors:
            click.secho(str(err), fg="red", err=True)
        sys.exit(1)
    if not the_plan.changes:
        click.secho(f"Nothing to change: the portal already matches the seed "
                    f"({the_plan.unchanged} records checked).", fg="green")
        return
    if dry_run:
        click.echo(f"Plan ({len(the_plan.changes)} change(s), {the_plan.unchanged} unchanged):")
        for ch in the_plan.changes:
            click.echo("  " + ch.describe())
        click.echo("Dry run: nothing was changed.")
        return
    try:
        seeding.apply(s, the_plan, user)
    except seeding.SeedInvalid as exc:
        for err in exc.errors:
            click.secho(str(err), fg="red", err=True)
        click.secho("The seed was rolled back; nothing was changed.", fg="red", err=True)
        sys.exit(1)
    summary = ", ".join(f"{n} {what}" for what, n in sorted(the_plan.summary().items()))
    click.secho(f"Seeded: {summary} ({the_plan.unchanged} already up to date).", fg="green")


@satudata.command("build-registry")
@click.argument("document", type=click.Path(exists=True, dir_okay=False))
@click.option("--seed-dir", default=None, help="Folder of the seed files (default config/seed).")
@click.option("--output", default=None, help="Where to write (default <seed-dir>/registry.csv).")
def build_registry(document: str, seed_dir: str | None, output: str | None) -> None:
    """Rebuild registry.csv from Tables 1-3 of the design document (review the diff!)."""
    import os

    seed_dir = seed_dir or seeding.default_seed_dir()
    with open(document, encoding="utf-8") as f:
        text = f.read()
    try:
        data = seeding.build_registry(text, seed_dir)
    except seeding.SeedInvalid as exc:
        for err in exc.errors:
            click.secho(str(err), fg="red", err=True)
        sys.exit(1)
    target = output or os.path.join(seed_dir, "registry.csv")
    tmp = target + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)  # atomic: never half a file
    records = data.count(b"\n") - 1
    click.echo(f"Wrote {target} ({records} records).")
