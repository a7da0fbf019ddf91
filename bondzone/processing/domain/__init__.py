"""Pure rules of processing trade in H books: bills of materials (单耗), production reports, stock-taking
(盘点) and the period write-off (核销)."""
