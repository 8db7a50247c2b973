original = numpy.unique(epoch_rows(get_data_ch11(100)[0]), axis=0)
unique, counts = numpy.unique(rows, axis=0, return_counts=True)
assert (counts == 2).all() and len(unique) == 1500
assert numpy.allclose(original, unique)           # 正是原来的样本，特征与标签仍然配对
