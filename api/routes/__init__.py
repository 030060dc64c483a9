"""One module per API resource; `ROUTERS` in the order the OpenAPI docs list them."""
