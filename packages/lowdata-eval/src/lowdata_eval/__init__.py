"""lowdata-eval: the realistic low-data evaluation protocol of the knee-SSL study.

A fraction of BOTH the training and the validation pool per seed (:func:`proportional_subsample`), linear
probing on cached features and full fine-tuning, one Optuna TPE study with median pruning per (experiment,
method, task, fraction, protocol, seed), balanced accuracy / AUROC / macro AUROC, mean (SD) over seeds, and
paired comparisons (Wilcoxon over seeds, DeLong, paired bootstrap).
"""

from __future__ import annotations

from lowdata_eval.augment import FineTuneAugment
from lowdata_eval.errors import DataError, LowDataEvalError, StorageError
from lowdata_eval.finetune import EncoderWithHead, ImageSplits, fit_finetune
from lowdata_eval.kept_models import load_kept_model, predict_with_kept_model
from lowdata_eval.linear_probe import FeatureSplits, LinearProbe, extract_features, fit_linear_probe
from lowdata_eval.metrics import auroc, balanced_accuracy, macro_auroc, stratified_auroc
from lowdata_eval.protocol import (
    ProtocolSpec,
    finetune_fits,
    linear_probe_fits,
    run_protocol,
    task_targets,
)
from lowdata_eval.search_space import Hyperparams, SearchSpace
from lowdata_eval.splits import proportional_subsample
from lowdata_eval.statistics import (
    delong_test,
    paired_bootstrap_ci,
    paired_wilcoxon,
    paper_table,
    summarize_over_seeds,
)
from lowdata_eval.storage import open_storage
from lowdata_eval.study import (
    DataFingerprint,
    FingerprintMismatchError,
    StudyConfig,
    StudyKey,
    run_study,
    trials_frame,
)
from lowdata_eval.tasks import TaskKind, TaskSpec

__version__ = "0.3.0"

__all__ = [
    "DataError",
    "DataFingerprint",
    "EncoderWithHead",
    "FeatureSplits",
    "FineTuneAugment",
    "FingerprintMismatchError",
    "Hyperparams",
    "ImageSplits",
    "LinearProbe",
    "LowDataEvalError",
    "ProtocolSpec",
    "SearchSpace",
    "StorageError",
    "StudyConfig",
    "StudyKey",
    "TaskKind",
    "TaskSpec",
    "auroc",
    "balanced_accuracy",
    "delong_test",
    "extract_features",
    "finetune_fits",
    "fit_finetune",
    "fit_linear_probe",
    "linear_probe_fits",
    "load_kept_model",
    "macro_auroc",
    "open_storage",
    "paired_bootstrap_ci",
    "paired_wilcoxon",
    "paper_table",
    "predict_with_kept_model",
    "proportional_subsample",
    "run_protocol",
    "run_study",
    "stratified_auroc",
    "summarize_over_seeds",
    "task_targets",
    "trials_frame",
]
