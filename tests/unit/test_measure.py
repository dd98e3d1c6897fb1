"""densenet_lib.measure reads a step's peak memory truly, and its recorded
benchmark is consistent; memory.largest_batch inverts the count."""

import numpy as np
import pytest

import densenet_lib as dl
from densenet_lib import measure, memory

pytestmark = pytest.mark.backend_independent


def test_measure_steps_sees_the_memory_a_step_allocates():
    """A step that fills 200 MiB and frees it: the peak above the baseline is
    those 200 MiB (a few MiB of slack for the interpreter), not more."""

    def step():
        block = np.ones(200 * 2**20, dtype=np.uint8)
        return int(block[::4096].sum())

    result = measure.measure_steps(step, steps=2, warmup=1)
    assert 195 <= result["step_mib"] <= 230, result
    assert result["device"] == "cpu" and result["step_s"] > 0


def test_per_image_is_the_slope_between_two_batches():
    small = {"batch": 2, "step_mib": 700.0}
    large = {"batch": 8, "step_mib": 1000.0}
    assert measure.per_image_mib(small, large) == 50.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(family="imagenet64"), "family"),
        (dict(batch=0), "batch"),
        (dict(memory_efficient="yes"), "memory_efficient"),
        (dict(backend="theano"), "backend"),
        (dict(depth=41), "depth"),
        (dict(cpu_only=1), "cpu_only"),
    ],
)
def test_bad_arguments_are_value_errors_naming_them(kwargs, name):
    args = dict(family="cifar", depth=40, batch=2) | kwargs
    with pytest.raises(ValueError, match=name):
        measure.training_step_memory(**args)


def test_two_equal_batch_sizes_are_refused():
    with pytest.raises(ValueError, match="batches"):
        measure.naive_vs_efficient("cifar", 40, batches=(4, 4))


def test_the_recorded_benchmark_is_consistent_with_its_rows():
    """Each summary line is the slope of its two recorded measurements, and
    the exponents are the fit of the sweep's slopes."""
    bench = measure.recorded_benchmark()
    assert bench["date"] and bench["machine"] and not bench["quick"]
    for line in bench["summary"]:
        pair = sorted(
            (
                r
                for r in bench["rows"]
                if (r["group"], r["backend"], r["memory_efficient"])
                == (line["group"], line["backend"], line["memory_efficient"])
            ),
            key=lambda r: r["batch"],
        )
        assert len(pair) == 2
        assert line["mib_per_example"] == pytest.approx(
            measure.per_image_mib(*pair), abs=0.01
        )
    backends = {r["backend"] for r in bench["rows"]}
    assert "torchvision" in backends and "tensorflow" in backends


def test_largest_batch_inverts_the_count():
    """A budget of b and a half images (and the weights, gradients and
    momentum) gives b; of b - 1/2 images, b - 1."""
    config = dl.densenet_cifar_config(40)
    plan = dl.channel_plan(config)
    per_image = 4 * memory.network_elements(plan)
    fixed = 3 * 4 * plan.params
    for b in (1, 7, 100):
        budget = (fixed + (b + 0.5) * per_image) / 1e9
        assert memory.largest_batch(config, budget) == b
        assert memory.largest_batch(config, budget - per_image / 1e9) == b - 1
    assert memory.largest_batch(config, 1e-6) == 0
    efficient = memory.largest_batch(config, 16, memory_efficient=True)
    assert efficient > memory.largest_batch(config, 16, memory_efficient=False)


@pytest.mark.parametrize("bad", [0, -1, "16", None])
def test_largest_batch_bad_budget(bad):
    with pytest.raises(ValueError, match="budget_gb"):
        memory.largest_batch(dl.densenet_cifar_config(40), bad)
