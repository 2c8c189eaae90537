"""ckanext-scheming schemas of Banten Satu Data (single source; see README)."""
