assert [len(X) for X, _ in get_data_duplicated(1000)[0]] == [1000] * 3
