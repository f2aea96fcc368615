import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    """Engine tests use tiny models, which run fastest on one thread: two threads spin against
    each other on a busy two-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
