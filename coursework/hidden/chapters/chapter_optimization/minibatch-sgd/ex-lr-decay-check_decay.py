assert 0.2417 <= losses[-1] <= 0.27
big_batches, _ = get_data_ch11(100)   # 下面只检查行为：大批量，评分更快
with d2l.quiet():
    _, _, rates = train_decay_ch11(trainer, hyperparams, big_batches,
                                   num_epochs=4, factor=0.5)
assert numpy.allclose(rates, [0.05, 0.025, 0.0125, 0.00625])
# factor=0：第一轮用初始学习率训练，之后参数一动不动（实际行为，而非报告的学习率）
with d2l.quiet():
    _, losses, _ = train_decay_ch11(trainer, hyperparams, big_batches, factor=0)
first, later = losses[:len(losses) // 3], losses[len(losses) // 3:]
assert first[-1] < first[0] - 0.01                 # 第一轮确实在训练
assert numpy.allclose(later, first[-1], rtol=0, atol=1e-6)
