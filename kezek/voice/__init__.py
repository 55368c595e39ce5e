"""Voice: the spoken text of a call in kk/ru/en, every number in words, and offline speech (espeak-ng, recorded clips, the chime)."""
from kezek.voice.words import spoken  # noqa: F401  (the contract: kezek.voice.spoken(number, desk, lang))
