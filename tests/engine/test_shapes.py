import pytest
import torch

from engine.shapes import ShapeError, check_shape


def test_returns_named_sizes():
    assert check_shape("k", torch.zeros(2, 3, 5, 7), "B H T_k d_k") == {"B": 2, "H": 3, "T_k": 5, "d_k": 7}


def test_message_names_the_dimension():
    with pytest.raises(ShapeError) as err:
        check_shape("k", torch.zeros(2, 3, 5, 7), "B H T_k d_k", d_k=8)
    assert str(err.value) == "expected k of shape (B, H, T_k, d_k) with d_k=8, got (2, 3, 5, 7)"


def test_wrong_rank():
    with pytest.raises(ShapeError, match=r"expected x of shape \(B, T, C\), got \(2, 3\)"):
        check_shape("x", torch.zeros(2, 3), "B T C")


def test_repeated_name_must_agree():
    assert check_shape("m", torch.zeros(5, 5), "T T") == {"T": 5}
    with pytest.raises(ShapeError):
        check_shape("m", torch.zeros(5, 7), "T T")


def test_leading_ellipsis_and_literals():
    assert check_shape("x", torch.zeros(2, 3, 5, 7), "... T d") == {"T": 5, "d": 7}
    assert check_shape("x", torch.zeros(5, 7), "... T d") == {"T": 5, "d": 7}
    check_shape("x", torch.zeros(2, 1, 7), "B 1 C")
    with pytest.raises(ShapeError):
        check_shape("x", torch.zeros(2, 3, 7), "B 1 C")
    with pytest.raises(ShapeError):
        check_shape("x", torch.zeros(7), "... T d")


def test_shape_error_is_a_value_error():
    assert issubclass(ShapeError, ValueError)


def test_sizes_come_back_in_the_order_of_dims():
    B, T, C = check_shape("x", torch.zeros(2, 3, 5), "B T C", C=5).values()
    assert (B, T, C) == (2, 3, 5)
