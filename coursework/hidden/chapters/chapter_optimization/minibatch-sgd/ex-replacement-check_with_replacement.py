unique = [len(numpy.unique(numpy.concatenate([d2l.numpy(X)[:, 0] for X, _ in data_iter])))
          for _ in range(10)]
assert 0.58 < numpy.mean(unique) / 1000 < 0.68   # 约 1 - 1/e
assert len(set(unique)) > 1                       # 每轮重新抽样
