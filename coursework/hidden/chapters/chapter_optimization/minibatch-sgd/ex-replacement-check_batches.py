assert set(X) <= set(features[:, 0])
whole = d2l.numpy(d2l.whole_dataset(data_iter)[0])[:, 0]
assert (numpy.sort(whole) == features[:, 0]).all()   # 评估用的是完整的数据
