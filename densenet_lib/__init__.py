"""densenet_lib: the library of "DenseNet, from residuals up".

Keras 3 only, backend-agnostic (TensorFlow, JAX or PyTorch). Chapters import
from here: the residual block (chapter 1), the dense layer and Dense Block
(chapter 2), the transition layer (chapter 3), the DenseNet builder and its
presets (chapter 4; the ImageNet ones from one table, ``IMAGENET_VARIANTS``),
and the analytic channel plan behind the sliders.
"""

from . import (
    callbacks,
    counting,
    data,
    diagnostics,
    explorer,
    figures,
    memory,
    paper,
    reporting,
    tables,
    training,
)
from .config import DenseNetConfig, compressed_channels, depth_to_blocks, min_input_size
from .dense_block import dense_block, dense_layer
from .densenet import (
    CIFAR_PRESETS,
    DenseNet,
    DenseNet121,
    DenseNet161,
    DenseNet169,
    DenseNet201,
    DenseNet264,
    DenseNetCIFAR,
    build_densenet,
    cifar_preset,
    densenet_cifar_config,
    imagenet_config,
)
from .feature_reuse import FeatureReuse, draw_feature_reuse, feature_reuse
from .plan import ChannelPlan, PlanRow, channel_plan
from .profiles import Profile, current_profile, record_metrics
from .residual import ResNetCIFAR, residual_block
from .transition import transition_block
from .variants import IMAGENET_VARIANTS, ImageNetVariant
from .weights import transfer_weights

__version__ = "0.1.0"
