"""LoRA fine-tuning on the exported tasks (paper Tables 4-6): the `muse finetune` command."""
