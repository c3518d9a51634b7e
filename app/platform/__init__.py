"""Platform edges: paths, resources, logging, OS hooks."""
