"""Cart and direct-purchase orders (直购): submission with reservation, approval, supplier confirmation, delivery."""
