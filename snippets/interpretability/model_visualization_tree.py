"""Drawing a decision tree: export_text for the rules, plot_tree for the picture.

A shallow tree on the iris data. For a tree, the drawing *is* the model: every path
from the root to a leaf is a rule that can be read and checked by hand.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, export_text, plot_tree

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.3, stratify=iris.target, random_state=0
)
tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_train, y_train)
print(export_text(tree, feature_names=list(iris.feature_names), decimals=2))
print(f"{tree.get_n_leaves()} leaves, test accuracy {tree.score(X_test, y_test):.3f}")
# Two rules on one feature suffice: both splits use petal width (column 3), the first one
# isolates setosa in a pure leaf, and the 3-leaf tree still scores above 0.9.
petal_width = list(iris.feature_names).index("petal width (cm)")
splits = tree.tree_.feature[tree.tree_.feature >= 0]
assert tree.get_n_leaves() == 3 and set(splits) == {petal_width}
assert tree.tree_.impurity[tree.tree_.children_left[0]] == 0.0
assert tree.score(X_test, y_test) > 0.9

fig, ax = plt.subplots(figsize=(7, 3.6))
plot_tree(
    tree,
    feature_names=iris.feature_names,
    class_names=list(iris.target_names),
    filled=True,
    impurity=False,
    fontsize=8,
    ax=ax,
)
fig.tight_layout()
fig.savefig("model_visualization_tree.png", dpi=100)
plt.close(fig)
