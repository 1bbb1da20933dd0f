# ruff: noqa
# Data flow rewritten from ualberta-rcg/python-machine-learning notebooks/solutions/titanic-age-dropna.py (not copied).
# A solution cell of a course notebook: the frame with non-null ages and the imports come from earlier cells.
np.random.seed(1337)

# rows where the age is known (dropped, not filled)
passengers = known_age_passengers

cols = ["Pclass", "Sex", "SibSp", "Parch", "Age"]
features = pd.get_dummies(passengers[cols], dtype="int64", drop_first=True)
target = passengers["Survived"]

features_train, features_test, target_train, target_test = train_test_split(features, target, test_size=0.33)

forest = RandomForestClassifier(n_estimators=100, max_depth=3)
forest = forest.fit(features_train, target_train)

predicted = forest.predict(features_test)

print("Accuracy: {}".format(accuracy_score(target_test, predicted)))
print("Precision: {}".format(precision_score(target_test, predicted)))
print("Recall: {}".format(recall_score(target_test, predicted)))
