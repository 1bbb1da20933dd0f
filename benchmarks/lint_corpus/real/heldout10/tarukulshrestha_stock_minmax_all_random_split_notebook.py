# ruff: noqa
# From TaruKulshrestha/stock_prediction "stock prediction.ipynb" (code cells verbatim, in notebook order, nbconvert-style markers; outputs dropped).
# The cell that builds `model` is not in the stored notebook; its output shows RandomForestRegressor(random_state=42).

# In[1]:


import pandas as pd
#importing the file

file_path = "C:/Users/Admin/Desktop/mini project/dataset1.1.csv"  
dataset = pd.read_csv(file_path)

dataset 


# In[2]:


#data cleaning
dataset['Date'] = pd.to_datetime(dataset['Date'])

dataset = dataset.drop_duplicates()

invalid_ranges = dataset[dataset['High'] < dataset['Low']]
if not invalid_ranges.empty:
    print("Invalid ranges found:")
    print(invalid_ranges)

dataset


# In[3]:


import pandas as pd
from sklearn.preprocessing import MinMaxScaler

file_path = "C:/Users/Admin/Desktop/mini project/dataset1.1.csv"
dataset = pd.read_csv(file_path)

columns_to_normalize = ['Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume']

dataset[columns_to_normalize] = dataset[columns_to_normalize].apply(pd.to_numeric, errors='coerce')

scaler = MinMaxScaler()

dataset[columns_to_normalize] = scaler.fit_transform(dataset[columns_to_normalize])

pd.set_option('display.max_rows', None) 
pd.set_option('display.max_columns', None)

print(dataset)


# In[4]:


import pandas as pd

dataset['7_day_MA'] = dataset['Close'].rolling(window=7).mean()  #moving average
dataset['Pct_Change'] = dataset['Close'].pct_change()  #percentage change
dataset['Lag_1'] = dataset['Close'].shift(1) #previous day

dataset = dataset.dropna()

dataset['Target'] = dataset['Close'].shift(-1) #target value for next day

dataset = dataset.dropna()

X = dataset[['Open', 'High', 'Low', 'Adj Close', 'Volume', '7_day_MA', 'Pct_Change', 'Lag_1']]
y = dataset['Target']

pd.set_option('display.max_rows', None)  
pd.set_option('display.max_columns', None)

print(dataset)


# In[5]:


from sklearn.model_selection import train_test_split

#split the data into training and temp (test + validation)
X_train, X_temp, y_train, y_temp = train_test_split(X, y, test_size=0.3, random_state=42)  # 70% training, 30% temp

#split the temp data into testing and validation
X_test, X_val, y_test, y_val = train_test_split(X_temp, y_temp, test_size=0.5, random_state=42)  # 15% test, 15% validation

# Printing sizes for confirmation
print("Training Set Size:", X_train.shape[0])
print("Validation Set Size:", X_val.shape[0])
print("Testing Set Size:", X_test.shape[0])


# In[14]:


import numpy as np

print("Are there NaN values in X_train?", np.isnan(X_train).any())
print("Are there inf values in X_train?", np.isinf(X_train).any())

X_train = np.nan_to_num(X_train, nan=np.nanmean(X_train))
X_val = np.nan_to_num(X_val, nan=np.nanmean(X_val))
X_test = np.nan_to_num(X_test, nan=np.nanmean(X_test))

X_train = np.where(np.isinf(X_train), np.nanmax(X_train), X_train)
X_val = np.where(np.isinf(X_val), np.nanmax(X_val), X_val)
X_test = np.where(np.isinf(X_test), np.nanmax(X_test), X_test)

X_train = X_train[~np.isnan(X_train).any(axis=1)]
X_train = X_train[~np.isinf(X_train).any(axis=1)]

X_val = X_val[~np.isnan(X_val).any(axis=1)]
X_val = X_val[~np.isinf(X_val).any(axis=1)]

X_test = X_test[~np.isnan(X_test).any(axis=1)]
X_test = X_test[~np.isinf(X_test).any(axis=1)]




# In[16]:


print("X_train shape:", X_train.shape)
print("y_train shape:", y_train.shape)


# In[55]:


import numpy as np

print("Are there NaN values in X_train?", np.isnan(X_train).any())
print("Are there inf values in X_train?", np.isinf(X_train).any())

X_train = np.nan_to_num(X_train, nan=np.nanmean(X_train))
X_val = np.nan_to_num(X_val, nan=np.nanmean(X_val))
X_test = np.nan_to_num(X_test, nan=np.nanmean(X_test))

X_train = np.where(np.isinf(X_train), np.nanmax(X_train), X_train)
X_val = np.where(np.isinf(X_val), np.nanmax(X_val), X_val)
X_test = np.where(np.isinf(X_test), np.nanmax(X_test), X_test)

X_train = X_train[~np.isnan(X_train).any(axis=1)]
X_train = X_train[~np.isinf(X_train).any(axis=1)]

X_val = X_val[~np.isnan(X_val).any(axis=1)]
X_val = X_val[~np.isinf(X_val).any(axis=1)]

X_test = X_test[~np.isnan(X_test).any(axis=1)]
X_test = X_test[~np.isinf(X_test).any(axis=1)]



# In[22]:


import numpy as np

# Check for infinite values in X_train
print("Are there infinite values in X_train?", np.isinf(X_train).any())


# In[23]:


print("Maximum value in X_train:", np.max(X_train))
print("Minimum value in X_train:", np.min(X_train))


# In[24]:


# Replace infinity values with NaN
X_train = np.where(np.isinf(X_train), np.nan, X_train)

# Fill NaN values with the mean (or any other strategy)
from sklearn.impute import SimpleImputer
imputer = SimpleImputer(strategy='mean')
X_train = imputer.fit_transform(X_train)


# In[27]:


print("X_train shape after cleaning:", X_train.shape)
model.fit(X_train, y_train)


# In[32]:


# Convert both training and test data to numpy arrays
X_train_array = X_train.values if isinstance(X_train, pd.DataFrame) else X_train
X_test_array = X_test.values if isinstance(X_test, pd.DataFrame) else X_test

# Train the model
model.fit(X_train_array, y_train)

# Make predictions
y_pred = model.predict(X_test_array)



# In[33]:


from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

# Make predictions using the test set
y_pred = model.predict(X_test)

# Calculate performance metrics
mae = mean_absolute_error(y_test, y_pred)
mse = mean_squared_error(y_test, y_pred)
r2 = r2_score(y_test, y_pred)

print(f"Mean Absolute Error (MAE): {mae}")
print(f"Mean Squared Error (MSE): {mse}")
print(f"R-squared (R²): {r2}")


# In[36]:


from sklearn.model_selection import GridSearchCV

# Define the parameter grid for tuning
param_grid = {
    'n_estimators': [100, 200, 300],
    'max_depth': [10, 20, 30],
    'min_samples_split': [2, 5, 10],
    'min_samples_leaf': [1, 2, 4]
}

# Initialize GridSearchCV with the model and parameter grid
grid_search = GridSearchCV(estimator=model, param_grid=param_grid, cv=3, n_jobs=-1, verbose=2)

# Fit the grid search to the data
grid_search.fit(X_train, y_train)

# Get the best parameters and best score
print("Best Parameters:", grid_search.best_params_)
print("Best Cross-validation Score:", grid_search.best_score_)

# Use the best model found by GridSearchCV
best_model = grid_search.best_estimator_

# Re-evaluate the model with the best parameters
y_pred_best = best_model.predict(X_test)
print(f"R² after tuning: {r2_score(y_test, y_pred_best)}")


# In[39]:


from sklearn.metrics import mean_squared_error, mean_absolute_error

mse = mean_squared_error(y_test, y_pred_best)
rmse = mean_squared_error(y_test, y_pred_best, squared=False)
mae = mean_absolute_error(y_test, y_pred_best)

print(f"Mean Squared Error: {mse}")
print(f"Root Mean Squared Error: {rmse}")
print(f"Mean Absolute Error: {mae}")



# In[49]:


# Use the existing test data for prediction
y_test_pred = best_model.predict(X_test)

# Print predictions on test data
print(f"Predictions on test data: {y_test_pred}")


# In[50]:


from sklearn.model_selection import cross_val_score

# Cross-validation with 5 folds
cv_scores = cross_val_score(best_model, X_train, y_train, cv=5, scoring='neg_mean_squared_error')

print("Cross-validation scores (negative MSE):", cv_scores)
print("Average MSE:", -cv_scores.mean())  # We use negative MSE because cross_val_score returns negative values for loss metrics
