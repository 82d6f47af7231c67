"""Corpora in their release formats for the paper's control experiments, turned into the ROI-store contract.

- :mod:`bench.datasets.chest`: NIH ChestX-ray14 and CheXpert (multi-label tables, patient-wise splits,
  CheXpert's uncertainty policies).
- :mod:`bench.datasets.mimic`: MIMIC-CXR image-report pairs (impression / findings extraction).
- :mod:`bench.datasets.folders`: any ImageFolder tree (ImageNet subsets, Imagenette), nested random subsets,
  mixed corpora.
- :mod:`bench.datasets.store`: decode once into ``rois.npy`` + ``manifest.parquet`` (bad files reported).
- :mod:`bench.datasets.stage`: ``bench data``: every ``[datasets.*]`` of a config, and the scaling subsets.
"""
