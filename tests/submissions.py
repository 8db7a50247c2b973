"""Submissions for the grading tests, written as students would write them.

A submission is the student version with some answer cells filled in; the
experiments and written answers are left as they came (their stubs raise,
which must cost no autograded point).  An answer cell is either a whole cell
of the student's own (``cell``) or the instructor's cell with lines changed
(``edits``: ``(old, new)`` pairs, each found exactly once).

``ALTERNATIVE``: correct solutions written differently from the instructor's
(another sampling mechanism, the learning rate set by hand or by a
scheduler, duplication by interleaving): full marks.
``WRONG``: typical mistakes, each handed in with the instructor's answers to
the other functions, and the autograded cells it must fail.
"""

from __future__ import annotations

import dataclasses

from book import FRAMEWORKS


@dataclasses.dataclass(frozen=True)
class Answer:
    function: str                   # the function the answer cell defines
    cell: str | None = None         # the whole cell, or
    edits: tuple = ()               # changes of the instructor's cell


# --- exercise 2: decay the learning rate after every epoch ---

DECAY_BY_HAND = {
    # PyTorch: the instructor uses a StepLR scheduler; set the rate by hand
    "pytorch": Answer("train_decay_ch11", edits=(
        ("    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=factor)\n",
         ""),
        ("        scheduler.step()\n",
         "        for group in optimizer.param_groups:\n            group['lr'] *= factor\n"))),
    # MXNet: the instructor multiplies the current rate; compute it from the epoch
    "mxnet": Answer("train_decay_ch11", edits=(
        ("    for _ in range(num_epochs):\n", "    for epoch in range(num_epochs):\n"),
        ("        trainer.set_learning_rate(trainer.learning_rate * factor)\n",
         "        trainer.set_learning_rate(hyperparams['learning_rate'] * factor ** (epoch + 1))\n"))),
    # TensorFlow: the instructor assigns by hand; use a Keras schedule (one step per batch)
    "tensorflow": Answer("train_decay_ch11", edits=(
        ("    optimizer = trainer_fn(**hyperparams)\n",
         "    schedule = tf.keras.optimizers.schedules.ExponentialDecay(\n"
         "        hyperparams['learning_rate'], decay_steps=len(data_iter), decay_rate=factor,\n"
         "        staircase=True)\n"
         "    optimizer = trainer_fn(learning_rate=schedule)\n"),
        ("        # learning_rate 是一个变量：赋新值后，编译好的 train_step 直接读到新值\n"
         "        optimizer.learning_rate.assign(float(optimizer.learning_rate) * factor)\n", ""))),
    # JAX: the instructor multiplies the rate in the optimizer's state; compute it from the epoch
    "jax": Answer("train_decay_ch11", edits=(
        ("    for _ in range(num_epochs):\n", "    for epoch in range(num_epochs):\n"),
        ("        opt_state.hyperparams['learning_rate'] *= factor\n",
         "        opt_state.hyperparams['learning_rate'] = "
         "hyperparams['learning_rate'] * factor ** (epoch + 1)\n"))),
}

DECAY_BEFORE_TRAINING = {
    # the rate is read first (so `rates` looks right), then decayed before the epoch trains
    "pytorch": Answer("train_decay_ch11", edits=(
        ("        scheduler.step()\n", ""),
        ("        rates.append(optimizer.param_groups[0]['lr'])\n",
         "        rates.append(optimizer.param_groups[0]['lr'])\n        scheduler.step()\n"))),
    "mxnet": Answer("train_decay_ch11", edits=(
        ("        trainer.set_learning_rate(trainer.learning_rate * factor)\n", ""),
        ("        rates.append(trainer.learning_rate)\n",
         "        rates.append(trainer.learning_rate)\n"
         "        trainer.set_learning_rate(trainer.learning_rate * factor)\n"))),
    "tensorflow": Answer("train_decay_ch11", edits=(
        ("        optimizer.learning_rate.assign(float(optimizer.learning_rate) * factor)\n", ""),
        ("        rates.append(float(optimizer.learning_rate))\n",
         "        rates.append(float(optimizer.learning_rate))\n"
         "        optimizer.learning_rate.assign(float(optimizer.learning_rate) * factor)\n"))),
    "jax": Answer("train_decay_ch11", edits=(
        ("        opt_state.hyperparams['learning_rate'] *= factor\n", ""),
        ("        rates.append(float(opt_state.hyperparams['learning_rate']))\n",
         "        rates.append(float(opt_state.hyperparams['learning_rate']))\n"
         "        opt_state.hyperparams['learning_rate'] *= factor\n"))),
}

# --- exercise 3: sample with replacement ---

RANDINT_LOADER = {
    "pytorch": Answer("load_array_with_replacement", cell='''\
class Resampled:
    """每轮用 randint 抽 n 个下标（有放回），按顺序切成小批量。"""
    def __init__(self, features, labels, batch_size):
        self.features, self.labels, self.batch_size = features, labels, batch_size

    def __iter__(self):
        n = len(self.features)
        indices = torch.randint(0, n, (n,))
        for start in range(0, n, self.batch_size):
            batch = indices[start:start + self.batch_size]
            yield self.features[batch], self.labels[batch]

def load_array_with_replacement(data_arrays, batch_size):
    """每轮有放回地抽取 n 个样本（n 为样本总数），依次切成小批量。"""
    features, labels = (torch.as_tensor(a) for a in data_arrays)
    return d2l.remember_whole_dataset(Resampled(features, labels, batch_size), features, labels)
'''),
    "mxnet": Answer("load_array_with_replacement", cell='''\
class Resampled:
    """每轮用 NumPy 有放回地抽 n 个下标，按顺序切成小批量。"""
    def __init__(self, features, labels, batch_size):
        self.features, self.labels, self.batch_size = features, labels, batch_size

    def __iter__(self):
        n = len(self.features)
        indices = onp.random.choice(n, n, replace=True)
        for start in range(0, n, self.batch_size):
            batch = np.array(indices[start:start + self.batch_size], dtype='int64')
            yield np.take(self.features, batch, axis=0), np.take(self.labels, batch, axis=0)

def load_array_with_replacement(data_arrays, batch_size):
    """每轮有放回地抽取 n 个样本（n 为样本总数），依次切成小批量。"""
    features, labels = (np.array(onp.asarray(a, dtype=onp.float32)) for a in data_arrays)
    return d2l.remember_whole_dataset(Resampled(features, labels, batch_size), features, labels)
'''),
    "tensorflow": Answer("load_array_with_replacement", cell='''\
def load_array_with_replacement(data_arrays, batch_size):
    """每轮有放回地抽取 n 个样本（n 为样本总数），依次切成小批量。"""
    features, labels = (tf.convert_to_tensor(a) for a in data_arrays)
    n = len(features)
    generator = tf.random.Generator.from_non_deterministic_state()
    indices = tf.data.Dataset.range(n).batch(batch_size).map(
        lambda batch: generator.uniform(tf.shape(batch), 0, n, dtype=tf.int64))
    dataset = indices.map(lambda i: (tf.gather(features, i), tf.gather(labels, i)))
    return d2l.remember_whole_dataset(dataset, features, labels)
'''),
    "jax": Answer("load_array_with_replacement", cell='''\
class Resampled:
    """每轮用 NumPy 有放回地抽 n 个下标，按顺序切成小批量（JAX 数组）。"""
    def __init__(self, features, labels, batch_size):
        self.features, self.labels, self.batch_size = features, labels, batch_size

    def __iter__(self):
        n = len(self.features)
        indices = np.random.choice(n, n, replace=True)
        for start in range(0, n, self.batch_size):
            batch = indices[start:start + self.batch_size]
            yield jnp.asarray(self.features[batch]), jnp.asarray(self.labels[batch])

def load_array_with_replacement(data_arrays, batch_size):
    """每轮有放回地抽取 n 个样本（n 为样本总数），依次切成小批量。"""
    features, labels = (np.asarray(a) for a in data_arrays)
    return d2l.remember_whole_dataset(Resampled(features, labels, batch_size), features, labels)
'''),
}

WITHOUT_REPLACEMENT = {
    "pytorch": Answer("load_array_with_replacement", edits=(
        ("    sampler = data.RandomSampler(dataset, replacement=True)\n"
         "    loader = data.DataLoader(dataset, batch_size, sampler=sampler)\n",
         "    loader = data.DataLoader(dataset, batch_size, shuffle=True)\n"),)),
    "mxnet": Answer("load_array_with_replacement", edits=(
        ("sampler=WithReplacement(len(features))", "shuffle=True"),)),
    "tensorflow": Answer("load_array_with_replacement", cell='''\
def load_array_with_replacement(data_arrays, batch_size):
    """每轮有放回地抽取 n 个样本（n 为样本总数），依次切成小批量。"""
    features, labels = (tf.convert_to_tensor(a) for a in data_arrays)
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    dataset = dataset.shuffle(len(features), reshuffle_each_iteration=True).batch(batch_size)
    return d2l.remember_whole_dataset(dataset, features, labels)
'''),
    "jax": Answer("load_array_with_replacement", edits=(
        ("jax.random.randint(d2l.next_key(), (n,), 0, n)", "jax.random.permutation(d2l.next_key(), n)"),)),
}

# --- exercise 4: every example twice ---

INSTRUCTOR_DUPLICATION = (
    "    features, labels = (numpy.concatenate([d2l.numpy(a)] * 2) for a in (features, labels))\n")

REPEAT = {
    "pytorch": Answer("get_data_duplicated", edits=((
        INSTRUCTOR_DUPLICATION,
        "    features, labels = (torch.repeat_interleave(a, 2, dim=0) for a in (features, labels))\n"),)),
    "mxnet": Answer("get_data_duplicated", edits=((
        INSTRUCTOR_DUPLICATION,
        "    features, labels = (np.repeat(a, 2, axis=0) for a in (features, labels))\n"),)),
    "tensorflow": Answer("get_data_duplicated", edits=((
        INSTRUCTOR_DUPLICATION,
        "    features, labels = (tf.repeat(a, 2, axis=0) for a in (features, labels))\n"),)),
    "jax": Answer("get_data_duplicated", edits=((
        INSTRUCTOR_DUPLICATION,
        "    features, labels = (jnp.repeat(jnp.asarray(a), 2, axis=0) for a in (features, labels))\n"),)),
}


def _every_framework(answer):
    return {fw: answer for fw in FRAMEWORKS.tags}


FEATURES_ONLY = _every_framework(Answer("get_data_duplicated", edits=((
    INSTRUCTOR_DUPLICATION,
    "    features = numpy.concatenate([d2l.numpy(features)] * 2)\n"),)))

PAIRS_BROKEN = _every_framework(Answer("get_data_duplicated", edits=((
    INSTRUCTOR_DUPLICATION,
    "    features = numpy.concatenate([d2l.numpy(features)] * 2)\n"
    "    labels = numpy.repeat(d2l.numpy(labels), 2)\n"),)))


#: The functions the autograder tests, one answer cell each.
FUNCTIONS = ("train_decay_ch11", "load_array_with_replacement", "get_data_duplicated")


def _otherwise_correct(wrong):
    """The wrong answer, and the instructor's cells for the other functions."""
    return {fw: [answer, *(Answer(f) for f in FUNCTIONS if f != answer.function)]
            for fw, answer in wrong.items()}


#: submission name -> {framework: [answers]}
ALTERNATIVE = {"alternative": {fw: [DECAY_BY_HAND[fw], RANDINT_LOADER[fw], REPEAT[fw]]
                               for fw in FRAMEWORKS.tags}}

#: submission name -> ({framework: [answers]}, grade ids of the tests it must fail)
WRONG = {
    "without-replacement": (_otherwise_correct(WITHOUT_REPLACEMENT),
                            {"ex-replacement-check_with_replacement"}),
    "decay-before-training": (_otherwise_correct(DECAY_BEFORE_TRAINING),
                              {"ex-lr-decay-check_decay"}),
    "features-only": (_otherwise_correct(FEATURES_ONLY),
                      {"ex-duplicated-check_duplicated_size",
                       "ex-duplicated-check_duplicated_samples"}),
    "pairs-broken": (_otherwise_correct(PAIRS_BROKEN),
                     {"ex-duplicated-check_duplicated_samples"}),
}


def answer_source(answer, instructor_source):
    """The cell a student hands in for ``answer``."""
    if answer.cell is not None:
        return answer.cell
    text = instructor_source
    for old, new in answer.edits:
        assert text.count(old) == 1, f"{answer.function}: {old!r} is not in the instructor's cell"
        text = text.replace(old, new)
    return text
