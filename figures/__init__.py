"""The chamber's figures for a fiscal year (April to March, Asia/Tokyo): what the console's
dashboard charts and exports. A plain package over the domain apps' models: no models of its own."""
