"""Site profiles: what is known of each news site, as data."""
