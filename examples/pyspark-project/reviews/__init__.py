"""Review analytics: word statistics over free-text reviews (packaged by Sheriff for --py-files)."""
