"""wyrd_train: PyTorch training for wyrd's models (see models/FORMAT.md and models/train/README.md)."""
