"""BERT text encoder for ConVIRT and GLoRIA (needs the ``ssl-objectives[text]`` extra: transformers).

Weights come from a LOCAL directory in Hugging Face format (``config.json`` + ``model.safetensors`` or
``pytorch_model.bin``, ``vocab.txt``/``tokenizer.json``), e.g. Bio_ClinicalBERT copied from a machine with
internet; ``local_files_only=True`` is always passed, so nothing is downloaded. Tests build a tiny
``BertConfig`` instead. The embeddings and the first ``freeze_layers`` transformer layers can be frozen
(ConVIRT: 6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch import Tensor, nn

from ssl_objectives.errors import ConfigError, WeightsNotFoundError

_HOW_TO_GET = (
    "copy a Hugging Face BERT directory there from a machine with internet, e.g. "
    "`huggingface-cli download emilyalsentzer/Bio_ClinicalBERT --local-dir <dir>`"
)


def _transformers() -> Any:
    try:
        import transformers
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ConfigError(
            "ConVIRT and GLoRIA need the text extra: pip install 'ssl-objectives[text]'"
        ) from error
    return transformers


def _check_dir(path: Path) -> Path:
    path = Path(path).expanduser()
    if not (path / "config.json").is_file():
        raise WeightsNotFoundError(f"no BERT model at {path} (config.json missing): {_HOW_TO_GET}")
    return path


def load_tokenizer(path: str | Path) -> Any:
    """A BERT WordPiece tokenizer from a local directory (``vocab.txt`` or ``tokenizer.json``)."""
    path = Path(path).expanduser()
    if not ((path / "vocab.txt").is_file() or (path / "tokenizer.json").is_file()):
        raise WeightsNotFoundError(
            f"no tokenizer at {path} (vocab.txt/tokenizer.json missing): {_HOW_TO_GET}"
        )
    return _transformers().AutoTokenizer.from_pretrained(str(path), local_files_only=True)


class BertTextEncoder(nn.Module):
    """A ``transformers.BertModel`` returning all hidden states, with the lower layers optionally frozen.

    Args:
        bert: the BERT model (``add_pooling_layer=False``).
    """

    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        self.bert = bert
        self.width = int(bert.config.hidden_size)
        self.num_layers = len(bert.encoder.layer)

    def freeze(self, layers: int) -> None:
        """Freeze the embeddings and the first ``layers`` layers (0: nothing, -1: the whole model)."""
        if layers > self.num_layers:
            raise ConfigError(f"cannot freeze {layers} layers of a {self.num_layers}-layer BERT")
        if layers < 0:
            frozen: list[nn.Module] = [self.bert]
        elif layers > 0:
            frozen = [self.bert.embeddings, *self.bert.encoder.layer[:layers]]
        else:
            frozen = []
        for module in frozen:
            for parameter in module.parameters():
                parameter.requires_grad_(False)

    @classmethod
    def from_pretrained(cls, path: str | Path) -> BertTextEncoder:
        """Load BERT weights from a local directory (never downloads)."""
        path = _check_dir(Path(path))
        bert = _transformers().BertModel.from_pretrained(
            str(path), local_files_only=True, add_pooling_layer=False
        )
        return cls(bert)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertTextEncoder:
        """A randomly initialised BERT from a ``BertConfig`` dict (tests; rebuilding from a checkpoint)."""
        transformers = _transformers()
        bert = transformers.BertModel(transformers.BertConfig(**config), add_pooling_layer=False)
        return cls(bert)

    def config_dict(self) -> dict[str, Any]:
        """The BERT configuration as a JSON-able dict (stored in checkpoint sidecars)."""
        keys = (
            "vocab_size",
            "hidden_size",
            "num_hidden_layers",
            "num_attention_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
            "hidden_act",
            "layer_norm_eps",
            "pad_token_id",
        )
        return {k: getattr(self.bert.config, k) for k in keys}

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> tuple[Tensor, ...]:
        """``[N, T]`` ids and mask -> ``num_layers + 1`` hidden states ``[N, T, width]``."""
        outputs = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
        )
        return tuple(outputs.hidden_states)
