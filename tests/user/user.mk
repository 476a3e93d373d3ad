# Differential tests (placeholder, filled in next).
