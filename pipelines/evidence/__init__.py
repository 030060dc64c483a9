"""Evidence packages: the originals, findings and custody records of a period, with a signed
manifest of SHA-256 hashes, that an investigator or court checks without the product.

`contents.gather` reads the store, `package.write_package` writes a folder or ZIP (documents,
report_pdf and, for `--clips`, clips make its files), `verify.verify_package` checks one;
`signing` holds the installation's Ed25519 key. Imports analyzer, models, pipelines.store,
pipelines.document and pipelines.media; only the CLI imports it.
"""
