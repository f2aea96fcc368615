"""Classic wrong versions of patchify, one per mistake id."""


def _patches(images, patch, order):
    """The right split into (B, C, n_h, P, n_w, P), then the permute `order`."""
    B, C, H, W = images.shape
    n_h, n_w = H // patch, W // patch
    x = images.reshape(B, C, n_h, patch, n_w, patch).permute(*order)
    return x.reshape(B, n_h * n_w, C * patch * patch)


def reshape_without_permute(images, patch):
    B, C, H, W = images.shape
    return images.reshape(B, (H // patch) * (W // patch), C * patch * patch)


def channels_last(images, patch):
    return _patches(images, patch, order=(0, 2, 4, 3, 5, 1))


def column_major_grid(images, patch):
    return _patches(images, patch, order=(0, 4, 2, 1, 3, 5))


def transposed_patches(images, patch):
    return _patches(images, patch, order=(0, 2, 4, 1, 5, 3))


def pixels_split_first(images, patch):
    B, C, H, W = images.shape
    n_h, n_w = H // patch, W // patch
    x = images.reshape(B, C, patch, n_h, patch, n_w).permute(0, 3, 5, 1, 2, 4)  # (B, n_h, n_w, C, P, P)?
    return x.reshape(B, n_h * n_w, C * patch * patch)
