"""The lint rules as data: code, severity, one-line message, why, fix and two examples.

Everything a user reads about a rule (``trainguard lint --explain CODE``, the pages under
``docs/lint/``, SARIF rule metadata) is rendered from this one table, and the tests read the same
table, so the text cannot drift from the behaviour. Codes are stable: a code is never reused for a
different mistake. Ranges: TG0xx the linter itself, TG1xx leakage through data preparation, TG2xx
the test set misused, TG3xx time, TG4xx neural-network training, TG5xx reproducibility.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainguard.findings import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    message: str
    why: str
    fix: str
    example: str
    clean_example: str
    pitfall: int | None = None  # entry number in the pitfall catalogue


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: tuple[Rule, ...] = (
    Rule(
        "TG000",
        "syntax-error",
        _E,
        "The file could not be parsed, so it was not checked.",
        "The linter reads code without running it; code that Python cannot parse cannot be checked, "
        "and a silent skip would look like a clean file.",
        "Fix the syntax error (the message gives Python's own description), then lint again.",
        "def f(:\n    pass\n",
        "def f():\n    pass\n",
    ),
    Rule(
        "TG101",
        "preprocessing-before-split",
        _E,
        "A transformer is fit on all rows before the data is split or cross-validated.",
        "A scaler, imputer, encoder, PCA or discretizer fit on every row learns statistics of the rows "
        "that later become the test set (their mean, their categories, their quantiles). The model is "
        "then scored on rows whose information it has already seen, and the score is optimistic.",
        "Split first and fit the transformer on the training rows only (`fit` on X_train, `transform` on "
        "the others), or put it in a `Pipeline` that `cross_val_score`/`GridSearchCV` refits per fold.",
        "X = StandardScaler().fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "scaler = StandardScaler().fit(X_train)\n"
        "X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)\n",
        1,
    ),
    Rule(
        "TG102",
        "statistics-before-split",
        _E,
        "A statistic over all rows (mean, std, min, max, quantiles) is used to transform the data before "
        "the split.",
        "`X - X.mean()`, `X / X.std()`, `fillna(df.col.median())` or `pd.qcut` written by hand are a "
        "scaler, imputer or discretizer fit on every row: the test rows shape the numbers the model "
        "trains on, exactly as with a fitted transformer. Frequency and mean encoding of a feature "
        "(`df[c].map(df[c].value_counts())`, `df.groupby(c)[x].transform('mean')`) is the same: each "
        "row's value depends on the test rows of its group (unless a group split keeps groups apart).",
        "Compute the statistic on the training rows after the split and apply it to every part, or use "
        "the scikit-learn transformer inside a `Pipeline`.",
        "df['age'] = df['age'].fillna(df['age'].median())\n"
        "train, test = train_test_split(df, random_state=0)\n",
        "train, test = train_test_split(df, random_state=0)\n"
        "median = train['age'].median()\n"
        "train['age'], test['age'] = train['age'].fillna(median), test['age'].fillna(median)\n",
        1,
    ),
    Rule(
        "TG103",
        "feature-selection-before-split",
        _E,
        "Features are selected using the target on all rows before the split or outside cross-validation.",
        "A selector such as `SelectKBest` (or picking the columns most correlated with the target) that "
        "sees every row keeps the features that happen to fit the test rows too. The test score then "
        "rewards that choice, and on noise alone it can look far better than chance.",
        "Select features on the training rows only, or put the selector in a `Pipeline` evaluated by "
        "`cross_val_score`/`GridSearchCV` so each fold selects again.",
        "X_new = SelectKBest(f_classif, k=10).fit_transform(X, y)\n"
        "scores = cross_val_score(LogisticRegression(), X_new, y)\n",
        "pipe = make_pipeline(SelectKBest(f_classif, k=10), LogisticRegression())\n"
        "scores = cross_val_score(pipe, X, y)\n",
        2,
    ),
    Rule(
        "TG104",
        "resampling-before-split",
        _E,
        "Rows are resampled (oversampled, undersampled or synthesised) before the split.",
        "SMOTE and friends build synthetic rows from their neighbours; done before the split, rows made "
        "from test rows land in the training set, and the test set no longer has the real class balance, "
        "so the score says little about new data.",
        "Split first and resample the training part only, or use `imblearn.pipeline.Pipeline` so "
        "cross-validation resamples each training fold.",
        "X_res, y_res = SMOTE().fit_resample(X, y)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, random_state=0)\n",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)\n"
        "X_train, y_train = SMOTE(random_state=0).fit_resample(X_train, y_train)\n",
        3,
    ),
    Rule(
        "TG105",
        "target-derived-feature",
        _E,
        "A feature is computed from the target over all rows (a group mean of the target, or a window "
        "that includes the current target).",
        "Mean (target) encoding over every row puts each row's own label, and the test rows' labels, "
        "into a feature; a rolling statistic of the target that includes the current row is the target "
        "itself in disguise. The model looks excellent and fails on new data.",
        "Compute target encodings on the training rows only (out-of-fold, e.g. scikit-learn's "
        "`TargetEncoder` inside a `Pipeline`), and shift target windows by one row (`shift(1)`) first.",
        "df['city_te'] = df.groupby('city')['price'].transform('mean')\n"
        "train, test = train_test_split(df, random_state=0)\n",
        "train, test = train_test_split(df, random_state=0)\n"
        "means = train.groupby('city')['price'].mean()\n"
        "train['city_te'], test['city_te'] = train.city.map(means), test.city.map(means)\n",
        6,
    ),
    Rule(
        "TG106",
        "categories-learned-before-split",
        _I,
        "An encoder learns its list of categories from all rows before the data is split.",
        "`OneHotEncoder`, `OrdinalEncoder`, `LabelEncoder` or `DictVectorizer` fit on every row learn "
        "which categories exist, including those seen only in the test rows. No statistic of the values "
        "is learned, so the leak is small; but the evaluation never meets an unseen category, which "
        "production will. Whether that matters is a policy choice, hence info severity: it does not fail "
        "`--fail-on warning`.",
        "Fit the encoder on the training rows with `handle_unknown='ignore'` (or "
        "`'infrequent_if_exist'`), inside a `Pipeline`, so unseen categories are handled as they will be "
        "in production; or keep the fit on all rows on purpose and silence the line.",
        "df['city'] = LabelEncoder().fit_transform(df['city'])\n"
        "train, test = train_test_split(df, random_state=0)\n",
        "train, test = train_test_split(df, random_state=0)\n"
        "enc = OneHotEncoder(handle_unknown='ignore').fit(train[['city']])\n",
        1,
    ),
    Rule(
        "TG201",
        "train-test-overlap",
        _E,
        "The model is trained on rows that it is then evaluated on as test rows.",
        "When the training data includes the test rows (`test = df.sample(frac=.2)` with `train = df`, a "
        "fit on all rows followed by a score on a split of them, `pd.concat` of train and test), the "
        "test score measures memory, not generalisation.",
        "Train on the training part only: `train = df.drop(test.index)`, or fit on `X_train`.",
        "test = df.sample(frac=0.2, random_state=0)\n"
        "model.fit(df[features], df[target])\n"
        "model.score(test[features], test[target])\n",
        "test = df.sample(frac=0.2, random_state=0)\n"
        "train = df.drop(test.index)\n"
        "model.fit(train[features], train[target])\n"
        "model.score(test[features], test[target])\n",
        4,
    ),
    Rule(
        "TG202",
        "test-set-used-for-selection",
        _E,
        "Scores on the test set are compared to choose a model or a hyperparameter.",
        "The best of several models on the test set is partly the luckiest on those rows: the test set "
        "has become a validation set, and the reported score is optimistic.",
        "Choose on a validation set or by cross-validation within the training rows; evaluate the single "
        "chosen model on the test set once, at the end.",
        "for k in (1, 5, 15):\n"
        "    knn = KNeighborsClassifier(k).fit(X_train, y_train)\n"
        "    acc = knn.score(X_test, y_test)\n"
        "    if acc > best_acc:\n"
        "        best_k, best_acc = k, acc\n",
        "for k in (1, 5, 15):\n"
        "    knn = KNeighborsClassifier(k).fit(X_train, y_train)\n"
        "    acc = knn.score(X_val, y_val)\n"
        "    if acc > best_acc:\n"
        "        best_k, best_acc = k, acc\n",
        5,
    ),
    Rule(
        "TG203",
        "early-stopping-on-test",
        _E,
        "Early stopping or checkpoint selection watches the test set.",
        "Stopping when the test loss stops improving picks the number of rounds or epochs that suits the "
        "test rows: it is model selection on the test set.",
        "Hold out a validation set from the training rows for `eval_set`/`validation_data` and keep the "
        "test set for one final evaluation.",
        "model = XGBClassifier(early_stopping_rounds=20)\n"
        "model.fit(X_train, y_train, eval_set=[(X_test, y_test)])\n",
        "model = XGBClassifier(early_stopping_rounds=20)\nmodel.fit(X_tr, y_tr, eval_set=[(X_val, y_val)])\n",
        5,
    ),
    Rule(
        "TG204",
        "search-on-all-rows",
        _E,
        "A hyperparameter search is fit on all rows and then scored on test rows taken from them.",
        "`GridSearchCV(...).fit(X, y)` chooses hyperparameters with every row, including the rows later "
        "used as the test set, so the test score of the chosen model is optimistic.",
        "Split first, run the search on the training rows (`search.fit(X_train, y_train)`) and score "
        "the refitted best model on the test rows once.",
        "search = GridSearchCV(SVC(), grid).fit(X, y)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "search.score(X_test, y_test)\n",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "search = GridSearchCV(SVC(), grid).fit(X_train, y_train)\n"
        "search.score(X_test, y_test)\n",
        5,
    ),
    Rule(
        "TG205",
        "duplicated-rows-before-split",
        _E,
        "Rows are concatenated with copies of themselves before the data is split.",
        "`pd.concat([df, df.sample(frac=0.3)])`, `np.vstack([X, X[y == 1]])` or `pd.concat([df] * 3)` "
        "make duplicate rows. A random split then puts copies of the same row on both sides: the model "
        "is scored on rows it was trained on, and the score is optimistic (more so for models that "
        "memorise, such as trees and nearest neighbours).",
        "Split first, then duplicate or oversample the training rows only (or use imbalanced-learn's "
        "`RandomOverSampler` inside an `imblearn.pipeline.Pipeline`).",
        "df = pd.concat([df, df[df.fraud == 1]])\ntrain, test = train_test_split(df, random_state=0)\n",
        "train, test = train_test_split(df, random_state=0)\n"
        "train = pd.concat([train, train[train.fraud == 1]])\n",
        2,
    ),
    Rule(
        "TG206",
        "statistics-from-test-set",
        _W,
        "The test rows are transformed with statistics of the test rows themselves (a transformer re-fit "
        "on them, or a fill with their own mean).",
        "`scaler.fit_transform(X_test)`, `encoder.fit(X_test)` or `X_test[c].fillna(X_test[c].mean())` "
        "prepare the test rows differently from the training rows, with numbers that exist only once the "
        "whole test set is known. The model meets inputs on another scale (or with other category codes) "
        "than it was trained on, and production, which sees one row at a time, cannot do the same.",
        "Fit on the training rows once and only `transform` the test rows; fill test values with the "
        "statistic computed on the training rows.",
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.fit_transform(X_test)\n",
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n",
        1,
    ),
    Rule(
        "TG301",
        "random-split-of-time-series",
        _W,
        "Time-ordered data is split at random.",
        "With a shuffled split, training rows come from after test rows: the model learns from the future "
        "it is asked to predict, and lag features make neighbouring rows near copies. The score will not "
        "hold on data that really comes later. The same holds for KFold (shuffled or not) on sorted rows, "
        "whose folds train on later rows than they score, and for overlapping windows "
        "(`X.append(series[i - w:i])`) split at random: a test window shares most of its values with "
        "training windows.",
        "Split by time: train on the earliest rows and test on the latest (`shuffle=False`, a date cut-off, "
        "or `TimeSeriesSplit` for cross-validation).",
        "df = df.sort_values('date')\n"
        "df['lag1'] = df['sales'].shift(1)\n"
        "train, test = train_test_split(df, test_size=0.2, random_state=0)\n",
        "df = df.sort_values('date')\n"
        "df['lag1'] = df['sales'].shift(1)\n"
        "train, test = train_test_split(df, test_size=0.2, shuffle=False)\n",
        7,
    ),
    Rule(
        "TG302",
        "future-looking-feature",
        _E,
        "A feature uses rows from the future (a centered window, a negative shift or a backward fill).",
        "`rolling(..., center=True)`, `shift(-1)` and `bfill()` put later values into earlier rows. At "
        "prediction time those values do not exist yet, so the model learns from information it will "
        "never have.",
        "Use trailing windows (`rolling(k)` on `shift(1)`), positive shifts and forward fill only; shift "
        "the target, not the features, to predict ahead.",
        "df['sales_smooth'] = df['sales'].rolling(7, center=True).mean()\n"
        "train, test = df[df.date < cutoff], df[df.date >= cutoff]\n",
        "df['sales_avg7'] = df['sales'].shift(1).rolling(7).mean()\n"
        "train, test = df[df.date < cutoff], df[df.date >= cutoff]\n",
        7,
    ),
    Rule(
        "TG303",
        "train-after-test",
        _E,
        "The training rows are cut after a date and the test rows before it.",
        "With training data later than the test data the model is evaluated on the past after learning "
        "the future: trends, drifts and known outcomes leak backwards and the score is optimistic.",
        "Train on the earliest rows and test on the latest: `train = df[df.date < cutoff]`, "
        "`test = df[df.date >= cutoff]`.",
        "train = df[df['date'] >= '2023-01-01']\ntest = df[df['date'] < '2023-01-01']\n",
        "train = df[df['date'] < '2023-01-01']\ntest = df[df['date'] >= '2023-01-01']\n",
        7,
    ),
    Rule(
        "TG304",
        "group-split-ignored",
        _W,
        "Rows that belong to one entity (a patient, user or subject) are split at random.",
        "When a patient (user, subject, device) has several rows and the code itself groups them "
        "(`df.groupby('patient_id')`), a random split puts some of that patient's rows in training and "
        "the rest in the test set. The model learns the patient, not the disease, and the test score "
        "says nothing about new patients.",
        "Split by the entity: `GroupShuffleSplit(...).split(X, y, groups=df['patient_id'])` or "
        "`GroupKFold` in cross-validation, so each patient is on one side only.",
        "visits['n_visits'] = visits.groupby('patient_id')['day'].transform('count')\n"
        "train, test = train_test_split(visits, random_state=0)\n",
        "gss = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)\n"
        "train_idx, test_idx = next(gss.split(visits, groups=visits['patient_id']))\n",
        2,
    ),
    Rule(
        "TG401",
        "activation-before-logit-loss",
        _E,
        "An activation is applied to outputs before a loss that applies it again.",
        "`BCEWithLogitsLoss` applies the sigmoid itself and `CrossEntropyLoss` applies log-softmax; "
        "feeding them probabilities squashes the outputs twice, the gradients vanish and training stalls "
        "at a poor loss (the same for Keras losses with `from_logits=True`).",
        "Return raw logits from the model and let the loss apply the activation; apply `sigmoid`/"
        "`softmax` only when predicting.",
        "model = nn.Sequential(nn.Linear(10, 1), nn.Sigmoid())\n"
        "loss_fn = nn.BCEWithLogitsLoss()\n"
        "loss = loss_fn(model(xb), yb)\n",
        "model = nn.Sequential(nn.Linear(10, 1))\n"
        "loss_fn = nn.BCEWithLogitsLoss()\n"
        "loss = loss_fn(model(xb), yb)\n",
        11,
    ),
    Rule(
        "TG402",
        "logits-into-probability-loss",
        _E,
        "Raw logits are fed to a loss that expects probabilities (or log-probabilities).",
        "`BCELoss` expects values in [0, 1] and `NLLLoss` expects log-probabilities; raw outputs of a "
        "linear layer make the loss wrong or crash mid-training (Keras: a linear last layer with "
        "`binary_crossentropy` or `categorical_crossentropy` without `from_logits=True`).",
        "Use `BCEWithLogitsLoss` / `CrossEntropyLoss` on logits (Keras: `from_logits=True`), or add the "
        "matching activation as the last layer.",
        "model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))\n"
        "loss = nn.BCELoss()(model(xb), yb)\n",
        "model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))\n"
        "loss = nn.BCEWithLogitsLoss()(model(xb), yb)\n",
        11,
    ),
    Rule(
        "TG403",
        "float-class-targets",
        _W,
        "Class indices are converted to float before `CrossEntropyLoss` or `NLLLoss`.",
        "These losses take class indices as integers (`long`); float targets are read as class "
        "probabilities of the wrong shape, which fails or silently trains on the wrong objective.",
        "Pass integer class indices (`y.long()`), or use `BCEWithLogitsLoss` for a single binary output.",
        "loss = nn.CrossEntropyLoss()(logits, yb.float())\n",
        "loss = nn.CrossEntropyLoss()(logits, yb.long())\n",
        11,
    ),
    Rule(
        "TG404",
        "unguarded-log-in-loss",
        _W,
        "A custom loss takes the log of a value that can be 0 (or divides by one) with no epsilon or clamp.",
        "`torch.log(p)` of a predicted probability is -inf as soon as one p underflows to 0, and the loss "
        "and every gradient become NaN: training stops making progress, often many epochs in.",
        "Clamp first (`p.clamp(min=1e-7)`), add an epsilon (`torch.log(p + 1e-7)`), or better use the "
        "numerically stable built-ins (`F.binary_cross_entropy_with_logits`, `F.log_softmax`).",
        "def bce_loss(p, y):\n    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n",
        "def bce_loss(p, y, eps=1e-7):\n"
        "    p = p.clamp(eps, 1 - eps)\n"
        "    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n",
        10,
    ),
    Rule(
        "TG405",
        "float16-without-loss-scaling",
        _W,
        "The model is trained in float16 without loss scaling or autocast.",
        "float16 overflows above 65504 and underflows small gradients to zero: a model converted with "
        "`.half()` and trained directly gets Inf/NaN losses or silently stops learning.",
        "Keep the weights in float32 and use `torch.autocast` with `torch.amp.GradScaler`, or use bfloat16.",
        "model = Net().half()\nloss = loss_fn(model(xb.half()), yb)\nloss.backward()\n",
        "scaler = torch.amp.GradScaler()\n"
        "with torch.autocast('cuda', dtype=torch.float16):\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "scaler.scale(loss).backward()\n",
        10,
    ),
    Rule(
        "TG406",
        "broadcast-in-regression-loss",
        _E,
        "A regression loss compares a (N, 1) model output with a 1-D target, which broadcasts to (N, N).",
        "`MSELoss` between shapes (N, 1) and (N,) does not fail: both broadcast to an (N, N) matrix of every "
        "prediction against every target, so the model learns to predict the mean and the loss looks sane.",
        "Make the shapes equal: `pred.squeeze(1)`, or build the target as a column "
        "(`torch.tensor(y).unsqueeze(1)`).",
        "model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))\n"
        "y = torch.tensor(df['price'].values, dtype=torch.float32)\n"
        "loss = nn.MSELoss()(model(X), y)\n",
        "model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))\n"
        "y = torch.tensor(df['price'].values, dtype=torch.float32)\n"
        "loss = nn.MSELoss()(model(X).squeeze(1), y)\n",
        11,
    ),
    Rule(
        "TG411",
        "missing-zero-grad",
        _E,
        "The training loop calls `backward()` and `step()` but never clears the gradients.",
        "PyTorch adds each `backward()` to the gradients already stored; without `zero_grad()` every "
        "step uses the sum of all past gradients, and training diverges or crawls.",
        "Call `optimizer.zero_grad()` once per step, before `loss.backward()` (with gradient "
        "accumulation: after each `optimizer.step()`).",
        "for xb, yb in loader:\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "    loss.backward()\n"
        "    optimizer.step()\n",
        "for xb, yb in loader:\n"
        "    optimizer.zero_grad()\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "    loss.backward()\n"
        "    optimizer.step()\n",
        12,
    ),
    Rule(
        "TG412",
        "evaluation-in-train-mode",
        _W,
        "The model is evaluated without `model.eval()` after training mode was set.",
        "In training mode dropout drops units and batch norm uses and updates batch statistics, so "
        "validation scores are noisy and worse than the model really is (and batch-norm statistics drift).",
        "Call `model.eval()` before evaluating (with `torch.no_grad()`), and `model.train()` again before "
        "the next training epoch.",
        "model.train()\n...\nwith torch.no_grad():\n    val_pred = model(X_val)\n",
        "model.eval()\nwith torch.no_grad():\n    val_pred = model(X_val)\n",
        12,
    ),
    Rule(
        "TG413",
        "loss-accumulated-as-tensor",
        _W,
        "A loss tensor is accumulated without `.item()`, keeping every step's graph alive.",
        "`total += loss` adds tensors that still reference their autograd graphs, so memory grows with "
        "every step until the epoch ends (or the process runs out of memory), and the sum itself is a "
        "tensor that keeps the graph too.",
        "Accumulate a Python number: `total += loss.item()` (or `loss.detach()`).",
        "total = 0\nfor xb, yb in loader:\n    loss = loss_fn(model(xb), yb)\n    total += loss\n",
        "total = 0\nfor xb, yb in loader:\n    loss = loss_fn(model(xb), yb)\n    total += loss.item()\n",
        12,
    ),
    Rule(
        "TG421",
        "sequence-length-drops-rows",
        _W,
        "A Keras `Sequence.__len__` is hard-coded or rounds down, so batches are skipped every epoch.",
        "The training loop asks for exactly `len(sequence)` batches. `n // batch_size` drops the last, "
        "partial batch every epoch, and a constant length is wrong as soon as the data changes size.",
        "Return `math.ceil(len(self.x) / self.batch_size)` and let the last batch be smaller.",
        "class Batches(keras.utils.Sequence):\n"
        "    def __len__(self):\n"
        "        return len(self.x) // self.batch_size\n",
        "class Batches(keras.utils.Sequence):\n"
        "    def __len__(self):\n"
        "        return math.ceil(len(self.x) / self.batch_size)\n",
        9,
    ),
    Rule(
        "TG422",
        "generator-swallows-exception",
        _W,
        "A batch generator catches an exception and stops, ending the epoch early without saying so.",
        "A `try/except` around the batch-building code that `break`s or `return`s turns a bad file or a "
        "bad row into a silently shorter epoch: fewer batches than declared, and no error to see.",
        "Let the exception propagate (or log it and skip only the bad item with `continue`), so a short "
        "epoch is never silent.",
        "def batches(paths):\n"
        "    for p in paths:\n"
        "        try:\n"
        "            yield load(p)\n"
        "        except Exception:\n"
        "            break\n",
        "def batches(paths):\n    for p in paths:\n        yield load(p)\n",
        9,
    ),
    Rule(
        "TG423",
        "finite-generator-with-steps",
        _E,
        "A finite generator is trained on for several epochs with `steps_per_epoch`.",
        "A Python generator runs once. With `steps_per_epoch` and more than one epoch, the second epoch "
        "finds it exhausted: training stops early or runs on nothing, with at most a warning.",
        "Make the generator loop forever (`while True:` around the batches, reshuffling each pass), or "
        "pass a `keras.utils.Sequence`/`tf.data.Dataset` instead.",
        "def gen(X, y, bs):\n"
        "    for i in range(0, len(X), bs):\n"
        "        yield X[i:i + bs], y[i:i + bs]\n"
        "model.fit(gen(X, y, 32), steps_per_epoch=len(X) // 32, epochs=10)\n",
        "def gen(X, y, bs):\n"
        "    while True:\n"
        "        for i in range(0, len(X), bs):\n"
        "            yield X[i:i + bs], y[i:i + bs]\n"
        "model.fit(gen(X, y, 32), steps_per_epoch=math.ceil(len(X) / 32), epochs=10)\n",
        9,
    ),
    Rule(
        "TG424",
        "steps-per-epoch-mismatch",
        _W,
        "`steps_per_epoch` does not match the number of rows divided by the batch size.",
        "With a generator, Keras counts an epoch in `steps_per_epoch` batches. Fewer steps than "
        "`ceil(rows / batch_size)` end each epoch before the data is seen (the model trains on the first "
        "batches only, and callbacks fire too often); more steps repeat batches or exhaust the generator.",
        "Compute it from the data: `steps_per_epoch=math.ceil(len(X) / batch_size)`, or pass a "
        "`keras.utils.Sequence` (whose `__len__` says it) and leave `steps_per_epoch` out.",
        "X = np.random.rand(100, 10)\nmodel.fit(batches(X, 10), steps_per_epoch=5, epochs=5)\n",
        "X = np.random.rand(100, 10)\n"
        "model.fit(batches(X, 10), steps_per_epoch=math.ceil(len(X) / 10), epochs=5)\n",
        9,
    ),
    Rule(
        "TG501",
        "unseeded-split",
        _W,
        "The data is split or shuffled without a seed.",
        "Without `random_state`, every run splits differently: scores move from run to run and a result "
        "cannot be reproduced or compared.",
        "Pass `random_state=<int>` (or seed NumPy's global generator once with `np.random.seed`).",
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n",
        15,
    ),
    Rule(
        "TG502",
        "unseeded-estimator",
        _I,
        "A randomised estimator or resampler is built without `random_state`.",
        "Random forests, boosting with subsampling, SGD, neural networks and SMOTE draw random numbers; "
        "without a seed two runs give different models and scores.",
        "Pass `random_state=<int>` to the estimator (or seed NumPy's global generator once).",
        "model = RandomForestClassifier(n_estimators=300)\n",
        "model = RandomForestClassifier(n_estimators=300, random_state=0)\n",
        15,
    ),
    Rule(
        "TG503",
        "unseeded-framework",
        _W,
        "Random numbers are drawn (NumPy, `random`, PyTorch or Keras training) without seeding the "
        "generator.",
        "Weight initialisation, shuffling, dropout and `np.random` calls change on every run, so results "
        "cannot be reproduced and small differences cannot be told from noise.",
        "Seed once at the top: `random.seed(0)`, `np.random.seed(0)` (or `np.random.default_rng(0)`), "
        "`torch.manual_seed(0)`, or `keras.utils.set_random_seed(0)`.",
        "model = nn.Linear(10, 1)\nloss.backward()\n",
        "torch.manual_seed(0)\nmodel = nn.Linear(10, 1)\nloss.backward()\n",
        15,
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
